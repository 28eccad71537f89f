// Stand-alone timing driver for the C++ kernels, to profile them without Node
// (perf record, valgrind --tool=callgrind). Build: sh probe/build.sh.
//   [COLD=1] kernel-probe <kernel> N,H,W,C [outC] [k] [reps]
// kernels: conv2d conv2dBackpropInput conv2dBackpropFilter ('same', stride 1),
// batchNormTraining batchNormBackward maxPool. Prints the median and best time of
// `reps` calls: thread CPU time with one thread (steady on a shared machine), wall
// clock otherwise (BATCHWISE_NUM_THREADS sets the pool).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/batch-norm.h"
#include "kernels/conv2d.h"
#include "kernels/fused-bn-relu.h"
#include "kernels/fused-conv-bn-relu.h"
#include "kernels/max-pool.h"
#include "runtime/kernel-table.h"
#include "runtime/thread-pool.h"

using namespace bw;

static double Now(bool cpu) {
  timespec ts;
  clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static std::vector<float> Random(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& e : v) e = u(rng);
  return v;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: kernel-probe <kernel> N,H,W,C [outC] [k] [reps]\n");
    return 2;
  }
  const std::string kernel = argv[1];
  int64_t n, h, w, c;
  if (std::sscanf(argv[2], "%ld,%ld,%ld,%ld", &n, &h, &w, &c) != 4) return 2;
  const int64_t oc = argc > 3 ? std::atol(argv[3]) : c;
  const int64_t k = argc > 4 ? std::atol(argv[4]) : 3;
  const int reps = argc > 5 ? std::atoi(argv[5]) : 50;
  const int threads = ThreadPool::Instance().threads();
  const bool cpu_clock = threads == 1;
  ConvGeom g{n, h, w, c, h, w, oc, k, k, 1, 1, 1, 1, (k - 1) / 2, (k - 1) / 2, k / 2, k / 2};
  const int64_t xs = n * h * w * c, ys = n * h * w * oc, fs = k * k * c * oc;
  auto x = Random(xs, 1), f = Random(fs, 2), dy = Random(ys, 3);
  std::vector<float> y(static_cast<size_t>(std::max(xs, ys))), df(static_cast<size_t>(fs)), dx(static_cast<size_t>(xs));
  std::vector<float> gamma(static_cast<size_t>(c), 1.0f), beta(static_cast<size_t>(c), 0.0f), mean(static_cast<size_t>(c)),
      var(static_cast<size_t>(c)), inv(static_cast<size_t>(c)), dg(static_cast<size_t>(c)), db(static_cast<size_t>(c));
  std::vector<int32_t> argmax(static_cast<size_t>(xs));
  ConvGeom pool{n, h, w, c, h / 2, w / 2, c, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0};
  double flops = 0;
  std::function<void()> run;
  if (kernel == "conv2d") {
    run = [&] { Conv2dForward(g, x.data(), f.data(), y.data()); };
    flops = 2.0 * ys * k * k * c;
  } else if (kernel == "conv2dBackpropInput") {
    run = [&] { Conv2dBackpropInput(g, dy.data(), f.data(), dx.data()); };
    flops = 2.0 * ys * k * k * c;
  } else if (kernel == "conv2dBackpropFilter") {
    run = [&] { Conv2dBackpropFilter(g, x.data(), dy.data(), df.data()); };
    flops = 2.0 * ys * k * k * c;
  } else if (kernel == "batchNormTraining") {
    run = [&] { BatchNormTraining(n * h * w, c, x.data(), gamma.data(), beta.data(), 1e-3, y.data(), mean.data(), var.data(), inv.data()); };
  } else if (kernel == "batchNormBackward") {
    BatchNormTraining(n * h * w, c, x.data(), gamma.data(), beta.data(), 1e-3, y.data(), mean.data(), var.data(), inv.data());
    auto d = Random(xs, 4);
    run = [&, d] { BatchNormBackward(n * h * w, c, d.data(), x.data(), gamma.data(), mean.data(), inv.data(), dx.data(), dg.data(), db.data()); };
  } else if (kernel == "conv2dBatchNormReluPool") {
    // oc output channels, then a 2x2 stride 2 pool on the conv output.
    static ConvGeom pg;
    pg = {n, h, w, oc, h / 2, w / 2, oc, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0};
    static std::vector<float> m, v, ga, be;
    m = Random(oc, 5);
    v.assign(static_cast<size_t>(oc), 1.0f);
    ga.assign(static_cast<size_t>(oc), 1.0f);
    be = Random(oc, 6);
    run = [&] { Conv2dBatchNormRelu(g, x.data(), f.data(), m.data(), v.data(), ga.data(), be.data(), 1e-3, &pg, y.data()); };
    flops = 2.0 * ys * k * k * c;
  } else if (kernel == "batchNormReluPool") {
    run = [&] { BatchNormReluTraining(n * h * w, c, x.data(), gamma.data(), beta.data(), 1e-3, &pool, y.data(), argmax.data(), mean.data(), var.data(), inv.data()); };
  } else if (kernel == "batchNormReluPoolBackward") {
    BatchNormReluTraining(n * h * w, c, x.data(), gamma.data(), beta.data(), 1e-3, &pool, y.data(), argmax.data(), mean.data(), var.data(), inv.data());
    auto d = Random(xs / 4, 4);
    run = [&, d] { BatchNormReluBackward(n * h * w, c, d.data(), x.data(), gamma.data(), mean.data(), inv.data(), y.data(), argmax.data(), &pool, dx.data(), dg.data(), db.data()); };
  } else if (kernel == "maxPool") {
    run = [&] { MaxPool(pool, x.data(), y.data(), argmax.data()); };
  } else {
    std::fprintf(stderr, "unknown kernel %s\n", kernel.c_str());
    return 2;
  }
  for (int i = 0; i < 3; ++i) run();
  std::vector<double> t;
  // COLD=1 evicts the caches before each call (64 MiB written), as in a model
  // step where a kernel's inputs were written several kernels earlier.
  const bool cold = std::getenv("COLD") != nullptr && std::string(std::getenv("COLD")) == "1";
  std::vector<float> evict(cold ? (size_t{16} << 20) : 0);
  for (int i = 0; i < reps; ++i) {
    for (size_t j = 0; j < evict.size(); j += 16) evict[j] += 1.0f;
    const double t0 = Now(cpu_clock);
    run();
    t.push_back(Now(cpu_clock) - t0);
  }
  std::sort(t.begin(), t.end());
  const double med = t[t.size() / 2];
  std::printf("%s%s [%ld,%ld,%ld,%ld] -> %ld k%ld, %s, %d thread(s), %s: median %.4f ms, best %.4f ms", kernel.c_str(), cold ? " (cold)" : "", n, h, w, c,
              oc, k, Kernels().isa, threads, cpu_clock ? "thread CPU time" : "wall", med, t[0]);
  if (flops > 0) std::printf(" (%.0f / %.0f GFLOP/s)", flops / med * 1e-6, flops / t[0] * 1e-6);
  std::printf("\n");
  return 0;
}

// Batch normalisation (training, inference, backward) and max pooling.
#include <algorithm>
#include <limits>

#include "entry/args.h"
#include "entry/export.h"
#include "entry/window.h"
#include "kernels/batch-norm.h"
#include "kernels/max-pool-values.h"
#include "kernels/max-pool.h"

namespace bw {
namespace {

constexpr double kMaxDouble = std::numeric_limits<double>::max();

// x as [rows, channels] with channels the last axis.
int64_t Rows(const Args& args, const F32& x, const Dims& dims, const char* name) {
  RequireCount(args, x, dims, name);
  return x.length / dims.back();
}

void RequireAllDisjoint(const Args& args, std::initializer_list<F32> outputs, std::initializer_list<F32> inputs) {
  for (auto o = outputs.begin(); o != outputs.end(); ++o) {
    for (const F32& in : inputs) RequireDisjoint(args, *o, in);
    for (auto p = o + 1; p != outputs.end(); ++p) RequireDisjoint(args, *o, *p);
  }
}

bool Overlap(const void* a, int64_t a_bytes, const void* b, int64_t b_bytes) {
  const auto a0 = reinterpret_cast<uintptr_t>(a), b0 = reinterpret_cast<uintptr_t>(b);
  return a_bytes > 0 && b_bytes > 0 && a0 < b0 + static_cast<uintptr_t>(b_bytes) &&
         b0 < a0 + static_cast<uintptr_t>(a_bytes);
}

}  // namespace
}  // namespace bw

using namespace bw;

BW_ENTRY(batchNormTraining) {
  Args args(fn, 9);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 2, 16, 1);
  const int64_t rows = Rows(args, x, xs, "xShape"), c = xs.back();
  const F32 gamma = args.Float32(2, "gamma"), beta = args.Float32(3, "beta");
  const double eps = args.NumberIn(4, "epsilon", 0.0, kMaxDouble, true, false);
  const F32 y = args.Float32(5, "y"), mean = args.Float32(6, "mean"), var = args.Float32(7, "variance"),
            inv = args.Float32(8, "invStd");
  for (const F32* p : {&gamma, &beta, &mean, &var, &inv}) RequireLength(args, *p, c);
  RequireLength(args, y, x.length);
  RequireAllDisjoint(args, {y, mean, var, inv}, {x, gamma, beta});
  BatchNormTraining(rows, c, x.data, gamma.data, beta.data, eps, y.data, mean.data, var.data, inv.data);
}

BW_ENTRY(batchNormInference) {
  Args args(fn, 8);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 2, 16, 1);
  const int64_t rows = Rows(args, x, xs, "xShape"), c = xs.back();
  const F32 mean = args.Float32(2, "mean"), var = args.Float32(3, "variance"), gamma = args.Float32(4, "gamma"),
            beta = args.Float32(5, "beta");
  const double eps = args.NumberIn(6, "epsilon", 0.0, kMaxDouble, true, false);
  const F32 y = args.Float32(7, "y");
  for (const F32* p : {&mean, &var, &gamma, &beta}) RequireLength(args, *p, c);
  RequireLength(args, y, x.length);
  RequireAllDisjoint(args, {y}, {x, mean, var, gamma, beta});
  BatchNormInference(rows, c, x.data, mean.data, var.data, gamma.data, beta.data, eps, y.data);
}

BW_ENTRY(batchNormBackward) {
  Args args(fn, 9);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 2, 16, 1);
  const int64_t rows = Rows(args, dy, dys, "dyShape"), c = dys.back();
  const F32 x = args.Float32(2, "x"), gamma = args.Float32(3, "gamma"), mean = args.Float32(4, "mean"),
            inv = args.Float32(5, "invStd");
  const F32 dx = args.Float32(6, "dx"), dgamma = args.Float32(7, "dgamma"), dbeta = args.Float32(8, "dbeta");
  RequireSameLength(args, dy, x);
  RequireSameLength(args, dy, dx);
  for (const F32* p : {&gamma, &mean, &inv, &dgamma, &dbeta}) RequireLength(args, *p, c);
  RequireAllDisjoint(args, {dx, dgamma, dbeta}, {dy, x, gamma, mean, inv});
  BatchNormBackward(rows, c, dy.data, x.data, gamma.data, mean.data, inv.data, dx.data, dgamma.data, dbeta.data);
}

BW_ENTRY(maxPool) {
  Args args(fn, 8);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const Dims pool = args.PositivePair(2, "poolSize");
  const F32 y = args.Float32(6, "y");
  const I32 argmax = args.Int32(7, "argmax");
  RequireCount(args, x, xs, "xShape");
  // argmax stores flat indices into x as int32.
  if (x.length > std::numeric_limits<int32_t>::max()) args.Fail(true, Text() << "x must have fewer than 2^31 elements.");
  const ConvGeom g = CheckWindow(args, xs, pool[0], pool[1], xs[3], 3, 4, -1, 5);
  RequireCount(args, y, Dims::Of({g.batch, g.out_h, g.out_w, g.out_c}), "output shape");
  if (argmax.length != y.length) {
    args.Fail(true, Text() << "argmax must have " << y.length << " elements, received " << argmax.length << ".");
  }
  RequireDisjoint(args, y, x);
  if (Overlap(argmax.data, argmax.length * 4, x.data, x.length * 4) ||
      Overlap(argmax.data, argmax.length * 4, y.data, y.length * 4)) {
    args.Fail(false, Text() << "argmax must not share memory with x or y.");
  }
  MaxPool(g, x.data, y.data, argmax.data);
}

BW_ENTRY(maxPoolInference) {
  Args args(fn, 7);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const Dims pool = args.PositivePair(2, "poolSize");
  const F32 y = args.Float32(6, "y");
  RequireCount(args, x, xs, "xShape");
  const ConvGeom g = CheckWindow(args, xs, pool[0], pool[1], xs[3], 3, 4, -1, 5);
  RequireCount(args, y, Dims::Of({g.batch, g.out_h, g.out_w, g.out_c}), "output shape");
  RequireDisjoint(args, y, x);
  MaxPoolValues(g, x.data, y.data);
}

BW_ENTRY(maxPoolBackward) {
  Args args(fn, 5);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 4, 4, 0);
  const I32 argmax = args.Int32(2, "argmax");
  const Dims in = args.Shape(3, "inputShape", 4, 4, 0);
  const F32 dx = args.Float32(4, "dx");
  RequireCount(args, dy, dys, "dyShape");
  RequireCount(args, dx, in, "inputShape");
  if (in[0] != dys[0] || in[3] != dys[3]) {
    args.Fail(true, Text() << "inputShape must be NHWC with dy's batch and channels " << dys << ", received " << in
                           << ".");
  }
  if (argmax.length != dy.length) {
    args.Fail(true, Text() << "argmax must have one index per dy element (" << dy.length << "), received "
                           << argmax.length << ".");
  }
  // A branch-free scan first (vectorised); the loop naming the first bad index runs only on failure.
  // As uint32 a negative index is >= 2^31, so one compare against min(dx.length, 2^31) catches both ends.
  const uint32_t limit = static_cast<uint32_t>(std::min<int64_t>(dx.length, int64_t{1} << 31));
  uint32_t bad = 0;
  for (int64_t i = 0; i < argmax.length; ++i) bad |= static_cast<uint32_t>(static_cast<uint32_t>(argmax.data[i]) >= limit);
  for (int64_t i = 0; bad != 0 && i < argmax.length; ++i) {
    if (argmax.data[i] < 0 || argmax.data[i] >= dx.length) {
      args.Fail(true, Text() << "argmax[" << i << "] must be in [0, " << dx.length << "), received "
                             << static_cast<int64_t>(argmax.data[i]) << ".");
    }
  }
  RequireDisjoint(args, dx, dy);
  if (Overlap(argmax.data, argmax.length * 4, dx.data, dx.length * 4)) {
    args.Fail(false, Text() << "argmax must not share memory with dx.");
  }
  MaxPoolBackward(dys[0], dy.length, dy.data, argmax.data, dx.length, dx.data);
}

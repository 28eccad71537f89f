// Machine peak probe for @batchwise/bench: float32 FMA throughput and triad
// memory bandwidth, on one thread and on every hardware thread. Compiled by
// the bench at run time (g++ -O2 -mavx2 -mfma); the AVX-512 variant uses a
// function target attribute and runs only when CPUID reports avx512f.
// Prints one JSON object on stdout.
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// 12 independent accumulators: enough to cover FMA latency (4 cycles) times
// two FMA pipes on current x86 cores, few enough to stay in registers.
// Distinct start values, or the compiler merges the identical chains into one.
#define FMA12(F, T, SET)                                                    \
  T r0 = SET(0.50f), r1 = SET(0.51f), r2 = SET(0.52f), r3 = SET(0.53f);     \
  T r4 = SET(0.54f), r5 = SET(0.55f), r6 = SET(0.56f), r7 = SET(0.57f);     \
  T r8 = SET(0.58f), r9 = SET(0.59f), r10 = SET(0.60f), r11 = SET(0.61f);   \
  for (long i = 0; i < iters; i++) {                                        \
    r0 = F(r0, m, a); r1 = F(r1, m, a); r2 = F(r2, m, a);                   \
    r3 = F(r3, m, a); r4 = F(r4, m, a); r5 = F(r5, m, a);                   \
    r6 = F(r6, m, a); r7 = F(r7, m, a); r8 = F(r8, m, a);                   \
    r9 = F(r9, m, a); r10 = F(r10, m, a); r11 = F(r11, m, a);               \
  }

constexpr int kChains = 12;

// x <- x * m + a with m just under 1 converges to a / (1 - m): no overflow, no denormals.
__attribute__((target("avx2,fma"))) float FmaAvx2(long iters) {
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-6f);
  FMA12(_mm256_fmadd_ps, __m256, _mm256_set1_ps)
  __m256 t = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(r0, r1), _mm256_add_ps(r2, r3)),
                           _mm256_add_ps(_mm256_add_ps(r4, r5), _mm256_add_ps(r6, r7)));
  t = _mm256_add_ps(t, _mm256_add_ps(_mm256_add_ps(r8, r9), _mm256_add_ps(r10, r11)));
  alignas(32) float out[8];
  _mm256_store_ps(out, t);
  return out[0];
}

__attribute__((target("avx512f"))) float FmaAvx512(long iters) {
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-6f);
  FMA12(_mm512_fmadd_ps, __m512, _mm512_set1_ps)
  __m512 t = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(r0, r1), _mm512_add_ps(r2, r3)),
                           _mm512_add_ps(_mm512_add_ps(r4, r5), _mm512_add_ps(r6, r7)));
  t = _mm512_add_ps(t, _mm512_add_ps(_mm512_add_ps(r8, r9), _mm512_add_ps(r10, r11)));
  return _mm512_reduce_add_ps(t);
}

std::atomic<float> g_sink{0};

// CLOCK=cpu (the bench's option for one-thread runs on a shared machine): one
// thread is timed by its own CPU time, as the bench then times the kernels.
const bool kCpuClock = [] {
  const char* v = std::getenv("CLOCK");
  return v != nullptr && std::strcmp(v, "cpu") == 0;
}();

double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs body(thread) on `threads` threads released together; returns wall
// seconds (one thread under CLOCK=cpu: that thread's CPU seconds).
double RunParallel(int threads, const std::function<void(int)>& body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  double cpu = 0;
  for (int t = 0; t < threads; t++) {
    pool.emplace_back([&, t] {
      ready++;
      while (!go.load(std::memory_order_acquire)) {
      }
      const double begin = ThreadSeconds();
      body(t);
      if (threads == 1) cpu = ThreadSeconds() - begin;
    });
  }
  while (ready.load() < threads) {
  }
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  if (threads == 1 && kCpuClock) return cpu;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best GFLOP/s of `trials` runs of about `target` seconds each.
double FmaGflops(float (*kernel)(long), int lanes, int threads, int trials, double target) {
  long iters = 1 << 20;
  const double probe = RunParallel(1, [&](int) { g_sink = g_sink + kernel(iters); });
  iters = std::max(1L << 16, static_cast<long>(iters * target / std::max(probe, 1e-6)));
  double best = 0;
  for (int i = 0; i < trials; i++) {
    const double sec = RunParallel(threads, [&](int) { g_sink = g_sink + kernel(iters); });
    best = std::max(best, 2.0 * lanes * kChains * iters * threads / sec / 1e9);
  }
  return best;
}

__attribute__((target("avx2,fma"))) void TriadRange(float* a, const float* b, const float* c, float s, size_t lo, size_t hi) {
  const __m256 vs = _mm256_set1_ps(s);
  for (size_t i = lo; i < hi; i += 8) {
    _mm256_storeu_ps(a + i, _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i), _mm256_loadu_ps(b + i)));
  }
}

// STREAM triad a[i] = b[i] + s*c[i]; counts 12 bytes per element (two reads,
// one write; write-allocate traffic not counted, as STREAM does). Best GB/s.
double TriadGbs(size_t n, int threads, int passes, int trials) {
  n = n / (8 * threads) * (8 * threads);
  std::vector<float> a(n), b(n), c(n);
  const size_t chunk = n / threads;
  RunParallel(threads, [&](int t) {
    for (size_t i = t * chunk; i < (t + 1) * chunk; i++) a[i] = 0, b[i] = 1, c[i] = 2;
  });
  double best = 0;
  for (int i = 0; i < trials; i++) {
    const double sec = RunParallel(threads, [&](int t) {
      for (int p = 0; p < passes; p++) TriadRange(a.data(), b.data(), c.data(), 0.5f, t * chunk, (t + 1) * chunk);
    });
    best = std::max(best, 12.0 * n * passes / sec / 1e9);
  }
  g_sink = g_sink + a[n / 2];
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  // argv[1]: elements per array of the in-cache triad (the benchmarked tensor's size).
  // argv[2]: trials per figure (default 5; the bench's smoke run asks for 1).
  const size_t cacheElems = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : (6u << 20) / 4;
  const size_t dramElems = 32u << 20;  // 128 MiB per array, 384 MiB in all: far beyond any L3
  const int all = std::max(1u, std::thread::hardware_concurrency());
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const int trials = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

  const double avx2One = FmaGflops(FmaAvx2, 8, 1, trials, 0.1);
  const double avx2All = FmaGflops(FmaAvx2, 8, all, trials, 0.1);
  const double avx512One = avx512 ? FmaGflops(FmaAvx512, 16, 1, trials, 0.1) : 0;
  const double avx512All = avx512 ? FmaGflops(FmaAvx512, 16, all, trials, 0.1) : 0;
  const double dramOne = TriadGbs(dramElems, 1, 4, trials);
  const double dramAll = TriadGbs(dramElems, all, 4, trials);
  const double cacheOne = TriadGbs(cacheElems, 1, 100, trials);
  const double cacheAll = TriadGbs(cacheElems, all, 100, trials);

  std::printf(
      "{\"threads\":%d,\"avx512\":%s,"
      "\"fma\":{\"avx2\":{\"one\":%.3f,\"all\":%.3f},\"avx512\":{\"one\":%.3f,\"all\":%.3f}},"
      "\"triad\":{\"dram\":{\"bytesPerArray\":%zu,\"one\":%.3f,\"all\":%.3f},"
      "\"cache\":{\"bytesPerArray\":%zu,\"one\":%.3f,\"all\":%.3f}},\"sink\":%g}\n",
      all, avx512 ? "true" : "false", avx2One, avx2All, avx512One, avx512All, dramElems * 4, dramOne, dramAll,
      cacheElems * 4, cacheOne, cacheAll, static_cast<double>(g_sink.load()));
  return 0;
}

#include "kernels/broadcast.h"

#include <algorithm>

#include "runtime/parallel.h"

namespace bw {
namespace {

// Elements per task; fixed by the problem, never by the thread count.
constexpr int64_t kGrain = 1 << 15;

template <typename F>
void Rows(int64_t rows, int64_t n, int64_t inner, const float* x, const float* v, float* y, F f) {
  // A row is one [inner] run: index r = o * n + j uses v[j].
  ParallelRanges(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inner)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float s = v[r % n];
      const float* xr = x + r * inner;
      float* yr = y + r * inner;
      for (int64_t k = 0; k < inner; ++k) yr[k] = f(xr[k], s);
    }
  });
}

template <typename F>
void LastAxis(int64_t rows, int64_t n, const float* x, const float* v, float* y, F f) {
  // inner == 1: v runs along the contiguous axis, so a row of x meets all of v (vectorisable).
  ParallelRanges(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, n)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * n;
      float* yr = y + r * n;
      for (int64_t j = 0; j < n; ++j) yr[j] = f(xr[j], v[j]);
    }
  });
}

template <typename F>
void Run(int64_t outer, int64_t n, int64_t inner, const float* x, const float* v, float* y, F f) {
  if (outer * n * inner == 0) return;
  if (inner == 1) return LastAxis(outer, n, x, v, y, f);
  Rows(outer * n, n, inner, x, v, y, f);
}

}  // namespace

void BroadcastBinary(BroadcastOp op, int64_t outer, int64_t n, int64_t inner, const float* x, const float* v, float* y) {
  switch (op) {
    case BroadcastOp::kAdd: return Run(outer, n, inner, x, v, y, [](float a, float b) { return a + b; });
    case BroadcastOp::kSub: return Run(outer, n, inner, x, v, y, [](float a, float b) { return a - b; });
    case BroadcastOp::kMul: return Run(outer, n, inner, x, v, y, [](float a, float b) { return a * b; });
    case BroadcastOp::kDiv: return Run(outer, n, inner, x, v, y, [](float a, float b) { return a / b; });
  }
}

}  // namespace bw

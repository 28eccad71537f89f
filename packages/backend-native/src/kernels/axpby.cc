#include "kernels/axpby.h"

#include "runtime/parallel.h"

namespace bw {
namespace {
constexpr int64_t kGrain = 1 << 15;
}  // namespace

void Axpby(int64_t n, float* y, const float* x, double alpha, double beta) {
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      y[i] = static_cast<float>(alpha * static_cast<double>(x[i]) + beta * static_cast<double>(y[i]));
    }
  });
}

}  // namespace bw

// Baseline build of the array math (libm, correctly rounded or close to it) and the dispatch.
#include "kernels/vec-math.h"

#include <cmath>

#include "runtime/cpu-features.h"

namespace bw {
namespace {

void ExpLibm(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

void SigmoidLibm(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + std::exp(-x[i]));
}

void TanhLibm(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}

}  // namespace

VecMath VecMathScalar() { return {ExpLibm, SigmoidLibm, TanhLibm}; }

const VecMath& ActiveVecMath() {
  static const VecMath math = [] {
    switch (ActiveIsa()) {
      case Isa::kAvx512: return VecMathAvx512();
      case Isa::kAvx2: return VecMathAvx2();
      default: return VecMathScalar();
    }
  }();
  return math;
}

}  // namespace bw

// Baseline build of the array math: libm, correctly rounded or close to it.
#include "kernels/vec-math.h"

#include <cmath>

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

VecMath VecMathScalar() { return {"libm", ExpLibm, SigmoidLibm, TanhLibm}; }

}  // namespace bw

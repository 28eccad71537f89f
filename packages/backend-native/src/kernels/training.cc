#include "kernels/training.h"

#include <cmath>

#include "runtime/parallel.h"

namespace bw {
namespace {
constexpr int64_t kGrain = 1 << 15;
}  // namespace

void SgdUpdate(int64_t n, float* w, const float* g, float* v, double lr, double momentum, bool nesterov) {
  const float lr_f = static_cast<float>(lr), mom = static_cast<float>(momentum);
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      if (v == nullptr) {
        w[i] -= lr_f * g[i];
        continue;
      }
      const float vel = mom * v[i] - lr_f * g[i];
      v[i] = vel;
      w[i] += nesterov ? mom * vel - lr_f * g[i] : vel;
    }
  });
}

void AdamUpdate(int64_t n, float* w, const float* g, float* m, float* v, double lr, double beta1, double beta2,
                double epsilon, int64_t step) {
  // Bias correction folded into the step size, as Keras/TF.js do (epsilon is not corrected).
  const double t = static_cast<double>(step);
  const float lr_t = static_cast<float>(lr * std::sqrt(1.0 - std::pow(beta2, t)) / (1.0 - std::pow(beta1, t)));
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2), eps = static_cast<float>(epsilon);
  const float c1 = static_cast<float>(1.0 - beta1), c2 = static_cast<float>(1.0 - beta2);
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float gi = g[i];
      const float mi = b1 * m[i] + c1 * gi;
      const float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] -= lr_t * mi / (std::sqrt(vi) + eps);
    }
  });
}

}  // namespace bw

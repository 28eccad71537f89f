#include "kernels/training.h"

#include <cmath>

#include "kernels/optimizer-rows.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {
constexpr int64_t kGrain = 1 << 15;
}  // namespace

void SgdUpdate(int64_t n, float* w, const float* g, float* v, double lr, double momentum, bool nesterov) {
  const float lr_f = static_cast<float>(lr), mom = static_cast<float>(momentum);
  const OptimizerRows& k = Kernels().optimizer_rows;
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    k.sgd(i1 - i0, w + i0, g + i0, v == nullptr ? nullptr : v + i0, lr_f, mom, nesterov);
  });
}

void AdamUpdate(int64_t n, float* w, const float* g, float* m, float* v, double lr, double beta1, double beta2,
                double epsilon, int64_t step) {
  // Bias correction folded into the step size, as Keras/TF.js do (epsilon is not corrected).
  const double t = static_cast<double>(step);
  const float lr_t = static_cast<float>(lr * std::sqrt(1.0 - std::pow(beta2, t)) / (1.0 - std::pow(beta1, t)));
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2), eps = static_cast<float>(epsilon);
  const float c1 = static_cast<float>(1.0 - beta1), c2 = static_cast<float>(1.0 - beta2);
  const OptimizerRows& k = Kernels().optimizer_rows;
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    k.adam(i1 - i0, w + i0, g + i0, m + i0, v + i0, lr_t, b1, b2, c1, c2, eps);
  });
}

}  // namespace bw

// In-place optimizer updates (Keras conventions).
#pragma once

#include <cstdint>

namespace bw {

// v = momentum*v - lr*g; w += v (Nesterov: w += momentum*v - lr*g). v may be null when momentum is 0.
void SgdUpdate(int64_t n, float* w, const float* g, float* v, double lr, double momentum, bool nesterov);

// m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; w -= lr*sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v)+eps).
void AdamUpdate(int64_t n, float* w, const float* g, float* m, float* v, double lr, double beta1, double beta2,
                double epsilon, int64_t step);

}  // namespace bw

// y = alpha*x + beta*y in place (BLAS axpby).
#pragma once

#include <cstdint>

namespace bw {

// In double, two products then the sum, rounded to float once: the bits of every other backend
// (-ffp-contract=off keeps the compiler from fusing it into an FMA).
void Axpby(int64_t n, float* y, const float* x, double alpha, double beta);

}  // namespace bw

// exp, sigmoid and tanh over arrays, compiled per ISA (vec-math.cc: libm;
// vec-math.inc: the polynomials, written once over primitives that
// vec-math_avx2.cc / _avx512.cc define, each file with its own flags).
//
// The SIMD exp is Cephes' expf: n = round(x / ln2), r = x - n ln2 (two-part
// ln2), a degree-6 polynomial for e^r on |r| <= ln2/2, scaled by 2^n in two
// steps so that results down to the smallest subnormal and up to overflow are
// formed by one rounding. Measured against float64 exp over every float in
// [-87.3, 88.7] sampled 1 in 64 (scripts/check-vec-math.mjs): max relative
// error 1.8e-7 (about 2 ulp); conformance allows 1e-6. NaN stays NaN,
// exp(-inf) = 0, exp(+inf) = inf. sigmoid = 1 / (1 + exp(-x)); tanh uses
// Cephes' odd polynomial for |x| < 0.625 and 1 - 2 / (exp(2|x|) + 1) above,
// with the sign of x. Plain functions only, no templates (see max-pool-rows.h).
#pragma once

#include <cstdint>

namespace bw {

struct VecMath {
  const char* name;
  void (*exp)(int64_t n, const float* x, float* y);
  void (*sigmoid)(int64_t n, const float* x, float* y);
  void (*tanh)(int64_t n, const float* x, float* y);
};

VecMath VecMathScalar();
VecMath VecMathAvx2();
VecMath VecMathAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
VecMath VecMathWasm();

}  // namespace bw

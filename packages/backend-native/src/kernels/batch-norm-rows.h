// The row loops of batch norm, compiled once per ISA (batch-norm-rows.inc is
// included by batch-norm-rows.cc, _avx2.cc and _avx512.cc, each with its own
// flags): the compiler vectorises them across channels. Plain pointer loops
// only, no templates: an inline template instantiated with -mavx512f could be
// picked by the linker for the scalar path too and fault on an older CPU.
#pragma once

#include <cstdint>

namespace bw {

struct BatchNormRows {
  const char* name;
  // mu = mean of rows [0, n) per channel; m2 = sum of squared deviations from mu (two passes).
  void (*stats)(const float* x, int64_t n, int64_t channels, double* mu, double* m2);
  // y = ((x - center) - center_lo) * scale + shift.
  void (*scale_shift)(const float* x, int64_t n, int64_t channels, const float* center, const float* center_lo,
                      const float* scale, const float* shift, float* y);
  // scale = gamma / sqrt(variance + epsilon) per channel, in float64 (inference's fold).
  void (*inference_scale)(const float* gamma, const float* variance, int64_t channels, double epsilon, float* scale);
  // sdy += dy, sdx += dy * (x - mean), per channel.
  void (*backward_sums)(const float* dy, const float* x, int64_t n, int64_t channels, const float* mean, double* sdy,
                        double* sdx);
  // dx = k1 * dy + k2 * (x - mean) + k3.
  void (*backward_dx)(const float* dy, const float* x, int64_t n, int64_t channels, const float* mean, const float* k1,
                      const float* k2, const float* k3, float* dx);
};

BatchNormRows BatchNormRowsScalar();
BatchNormRows BatchNormRowsAvx2();
BatchNormRows BatchNormRowsAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
BatchNormRows BatchNormRowsWasm();

// Each variant does the same float and double operations in the same order
// per element, so the results do not depend on which one runs.

}  // namespace bw

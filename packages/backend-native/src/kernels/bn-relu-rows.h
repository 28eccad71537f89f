// The loops of the fused batch norm + ReLU (+ max pool) kernels
// (fused-bn-relu.cc), compiled once per ISA like batch-norm-rows.inc:
// bn-relu-rows.inc is included by bn-relu-rows.cc, _avx2.cc and _avx512.cc,
// each with its own flags, and the compiler vectorises across channels. Plain
// loops, no templates (see batch-norm-rows.h).
//
// Every variant computes each element as the unfused kernels do, in the same
// float operations: t = ((x - center) - center_lo) * scale + shift, then ReLU
// (t > 0 ? t : NaN stays NaN : 0), then max pooling's rule (first real element
// of the window, replaced by a larger value, or by a NaN when the best is not NaN).
#pragma once

#include <cstdint>

#include "kernels/conv2d.h"

namespace bw {

// Per-channel coefficients of the normalizing pass.
struct BnAffine {
  const float* center;
  const float* center_lo;
  const float* scale;
  const float* shift;
};

// The most taps (k_h * k_w * in_c) pool_filter_sums takes.
constexpr int64_t kMaxFilterTaps = 32;
// The most positions (k_h * k_w) of a pool window pool_filter_sums takes.
constexpr int64_t kMaxFilterWindow = 64;

struct BatchNormReluRows {
  const char* name;
  // y = relu(normalize(x)) over n rows of `channels`.
  void (*relu)(const float* x, int64_t n, int64_t channels, const BnAffine& a, float* y);
  // One output row (= image * out_h + oh) of maxPool(relu(normalize(x))); g is the pool's geometry.
  void (*pool_row)(const ConvGeom& g, const float* x, const BnAffine& a, float* y, int32_t* argmax, int64_t row);
  // pool_row's y alone (inference), in fewer operations per element; the same bits.
  void (*pool_row_value)(const ConvGeom& g, const float* x, const BnAffine& a, float* y, int64_t row);
  // Backward sums over pooled rows [row0, row1) of non-overlapping windows: for each window
  // position p that argmax names, g = y > 0 ? dy : 0; sdy += g, sdx += g * (x[p] - mean)
  // (float64). Returns how many pooled elements named a position of their own window.
  int64_t (*pool_sums)(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
                       const float* mean, int64_t row0, int64_t row1, double* sdy, double* sdx);
  // dx over input rows [row0, row1) (= image * in_h + h) of non-overlapping windows:
  // dx = k1 * g + k2 * (x - mean) + k3, g as in pool_sums where argmax names the position, else 0.
  void (*pool_dx)(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
                  const float* mean, const float* k1, const float* k2, const float* k3, int64_t row0, int64_t row1,
                  float* dx);
  // The sums of the filter gradient of conv -> batch norm -> ReLU -> max pool (windows that
  // do not overlap), from the conv's input alone, over pooled rows [row0, row1): conv is the
  // conv's geometry, g the pool's (g.in_c == conv.out_c channels), taps = conv.k_h *
  // conv.k_w * conv.in_c <= kMaxFilterTaps, g.k_h * g.k_w <= kMaxFilterWindow. For each
  // pooled element whose argmax names a position p of its window, u the conv input's patch
  // at p (0 in the padding) and gv = y > 0 ? dy : 0: sdy += gv and su[tap][c] += u[tap] * gv
  // (in float within a pooled row, then float64). scratch: (taps + 1) * channels + taps *
  // g.k_h * conv.out_w floats. Returns how many pooled elements named a position of their
  // own window.
  int64_t (*pool_filter_sums)(const ConvGeom& conv, const float* input, const ConvGeom& g, const float* dy,
                              const float* y, const int32_t* argmax, int64_t row0, int64_t row1, float* scratch,
                              double* sdy, double* su);
  // The conv input patches' Gram matrix and sum over conv output rows [row0, row1)
  // (= image * out_h + oh): gram[a][b] += u[a] * u[b] for b <= a, sum[a] += u[a], four
  // rows' products summed in float (rounded as the float32 z they stand for), then in
  // float64. scratch: taps * (taps + 7) / 2 * out_w16 doubles, out_w16 = conv.out_w rounded
  // up to a multiple of 16.
  void (*patch_gram)(const ConvGeom& conv, const float* input, int64_t row0, int64_t row1, double* scratch,
                     double* gram, double* sum);
};

BatchNormReluRows BatchNormReluRowsScalar();
BatchNormReluRows BatchNormReluRowsAvx2();
BatchNormReluRows BatchNormReluRowsAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
BatchNormReluRows BatchNormReluRowsWasm();

}  // namespace bw

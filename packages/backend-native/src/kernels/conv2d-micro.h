// Convolution microkernels that read the image in place from a zero-padded
// copy (conv2d-direct.cc), compiled per ISA (conv2d-micro.cc holds the scalar
// ones, _avx2.cc and _avx512.cc the SIMD ones, each with its own flags). Plain
// functions and intrinsics only in the SIMD files (see max-pool-rows.h).
#pragma once

#include <cstdint>

namespace bw {

// A run of output pixels along one output row: x at the first pixel's window
// corner in the padded image, dy at its gradient row; `count` pixels.
struct ConvRun {
  const float* x;
  const float* dy;
  int64_t count;
};

// Filter-gradient tile: for r < MR and j < cols (cols <= NR, the rest untouched),
//   c[r * ldc + j] += sum over runs s, pixels q < s.count of
//                     s.x[q * x_step + offset[r]] * s.dy[q * ldy + j].
// offset[r] addresses tap (kh, kw) and channel c of the window. The sum starts
// from zero and is added to c once at the end: callers cut a long reduction
// into blocks of ~100 pixels, whose float32 error then grows with the block
// size plus the number of blocks instead of with the number of pixels.
using ConvFilterGradFn = void (*)(int64_t runs, const ConvRun* run, int64_t x_step, const int64_t* offset, int64_t ldy,
                                  int64_t cols, float* c, int64_t ldc);

// Forward tile: for r < MR and j < NR,
//   c[r * ldc + j] = sum over k < kk of pixel[r][offset[k]] * b[k * NR + j],
// pixel[r] at output pixel r's window corner in the padded image, b the filter
// packed as a kk x NR sliver. With few input channels this beats the indirect
// kernel, which walks one pointer per tap and pixel for a single multiply-add.
using ConvForwardFn = void (*)(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b, float* c,
                               int64_t ldc);

// Batch norm's coefficients for one NR sliver of output channels (zeros past
// the last channel): y = relu(((x - center) - center_lo) * scale + shift), and
// sign = -1 where scale < 0, else 1.
struct ConvPoolCoeffs {
  const float* center;
  const float* center_lo;
  const float* scale;
  const float* shift;
  const float* sign;
};

// Forward tile finished by batch norm, ReLU and a whole 2x2 max pool: rows
// 4q..4q+3 of the tile are the window of pooled pixel q (row-major), computed
// as ConvForwardFn computes them; y[q * ldy + j] for q < count (count <= MR / 4)
// and j < cols gets the pool of their normalized values, with the bits of
// normalizing each one first (bn-relu-rows.inc's PoolWindowValue).
using ConvForwardPoolFn = void (*)(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b,
                                   const ConvPoolCoeffs& k, int64_t count, int64_t cols, float* y, int64_t ldy);

struct ConvMicro {
  int mr;
  int nr;
  // Null where the ISA has none (wasm): the filter gradient then runs as a packed GEMM.
  ConvFilterGradFn filter_grad;
  ConvForwardFn forward;
  const char* name;
  // Null where the ISA has none: the fused kernel then pools stored conv rows.
  ConvForwardPoolFn forward_pool = nullptr;
  // The same on 2 * MR rows and NR / 2 columns (b still in NR-wide slivers),
  // for at most NR / 2 output channels; null where the ISA has none.
  ConvForwardPoolFn forward_pool_narrow = nullptr;
};

ConvMicro ConvMicroScalar();
ConvMicro ConvMicroAvx2();
ConvMicro ConvMicroAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
ConvMicro ConvMicroWasm();

}  // namespace bw

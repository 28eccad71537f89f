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

struct ConvMicro {
  int mr;
  int nr;
  // Null where the ISA has none (wasm): the filter gradient then runs as a packed GEMM.
  ConvFilterGradFn filter_grad;
  ConvForwardFn forward;
  const char* name;
};

ConvMicro ConvMicroScalar();
ConvMicro ConvMicroAvx2();
ConvMicro ConvMicroAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
ConvMicro ConvMicroWasm();

}  // namespace bw

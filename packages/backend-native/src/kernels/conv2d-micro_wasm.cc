// WebAssembly SIMD128 convolution microkernel (see conv2d-micro.h), 4 x 8
// like the wasm GEMM tile: a multiply and an add per step (SIMD128 has no
// fused multiply-add), so every element is the scalar kernel's sum, in its order.
// No filter-gradient kernel: a 4 x 8 tile reads 6 values from dy and x in place
// per 32 multiply-adds, slower than the packed GEMM that conv2d.cc uses instead
// (docs/backend-wasm/measurements.md).
// Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/conv2d-micro.h"

namespace bw {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

inline v128_t MulAdd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }

void ForwardWasm(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b, float* c, int64_t ldc) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *p0 = pixel[0], *p1 = pixel[1], *p2 = pixel[2], *p3 = pixel[3];
  for (int64_t k = 0; k < kk; ++k, b += kNr) {
    const int64_t off = offset[k];
    const v128_t b0 = wasm_v128_load(b);
    const v128_t b1 = wasm_v128_load(b + 4);
    v128_t av = wasm_v128_load32_splat(p0 + off);
    c00 = MulAdd(av, b0, c00);
    c01 = MulAdd(av, b1, c01);
    av = wasm_v128_load32_splat(p1 + off);
    c10 = MulAdd(av, b0, c10);
    c11 = MulAdd(av, b1, c11);
    av = wasm_v128_load32_splat(p2 + off);
    c20 = MulAdd(av, b0, c20);
    c21 = MulAdd(av, b1, c21);
    av = wasm_v128_load32_splat(p3 + off);
    c30 = MulAdd(av, b0, c30);
    c31 = MulAdd(av, b1, c31);
  }
  const v128_t out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < kMr; ++r) {
    wasm_v128_store(c + r * ldc, out[r][0]);
    wasm_v128_store(c + r * ldc + 4, out[r][1]);
  }
}

}  // namespace

ConvMicro ConvMicroWasm() { return {kMr, kNr, nullptr, ForwardWasm, "wasm-simd128-4x8"}; }

}  // namespace bw

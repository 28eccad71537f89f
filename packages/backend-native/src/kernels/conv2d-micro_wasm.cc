// WebAssembly SIMD128 convolution microkernels (see conv2d-micro.h), 4 x 8
// like the wasm GEMM tile: a multiply and an add per step (SIMD128 has no
// fused multiply-add), so every element is the scalar kernel's sum, in its order.
// Partial column slivers (filter gradient) load dy through a zero-padded copy,
// never past cols, and add back lane by lane.
// Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/conv2d-micro.h"

namespace bw {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

inline v128_t MulAdd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }

void FilterGradWasm(int64_t runs, const ConvRun* run, int64_t x_step, const int64_t* offset, int64_t ldy, int64_t cols,
                    float* c, int64_t ldc) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const int64_t o0 = offset[0], o1 = offset[1], o2 = offset[2], o3 = offset[3];
  const bool full = cols >= kNr;
  float padded[kNr] = {};
  for (int64_t s = 0; s < runs; ++s) {
    const float* x = run[s].x;
    const float* dy = run[s].dy;
    for (int64_t q = run[s].count; q > 0; --q, x += x_step, dy += ldy) {
      const float* b = dy;
      if (!full) {
        for (int64_t j = 0; j < cols; ++j) padded[j] = dy[j];
        b = padded;
      }
      const v128_t b0 = wasm_v128_load(b);
      const v128_t b1 = wasm_v128_load(b + 4);
      v128_t av = wasm_v128_load32_splat(x + o0);
      c00 = MulAdd(av, b0, c00);
      c01 = MulAdd(av, b1, c01);
      av = wasm_v128_load32_splat(x + o1);
      c10 = MulAdd(av, b0, c10);
      c11 = MulAdd(av, b1, c11);
      av = wasm_v128_load32_splat(x + o2);
      c20 = MulAdd(av, b0, c20);
      c21 = MulAdd(av, b1, c21);
      av = wasm_v128_load32_splat(x + o3);
      c30 = MulAdd(av, b0, c30);
      c31 = MulAdd(av, b1, c31);
    }
  }
  const v128_t out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    if (full) {
      wasm_v128_store(row, wasm_f32x4_add(wasm_v128_load(row), out[r][0]));
      wasm_v128_store(row + 4, wasm_f32x4_add(wasm_v128_load(row + 4), out[r][1]));
      continue;
    }
    float lanes[kNr];
    wasm_v128_store(lanes, out[r][0]);
    wasm_v128_store(lanes + 4, out[r][1]);
    for (int64_t j = 0; j < cols; ++j) row[j] += lanes[j];
  }
}

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

ConvMicro ConvMicroWasm() { return {kMr, kNr, FilterGradWasm, ForwardWasm, "wasm-simd128-4x8"}; }

}  // namespace bw

// WebAssembly SIMD128 maxPool row: 4 channels per vector (C is contiguous in
// NHWC); the last C % 4 channels take the scalar rule, so no load reaches past
// x. No prefetch instruction exists in wasm. Compiled only into the wasm32
// build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/max-pool-2x2_wasm.h"
#include "kernels/max-pool-rows.h"
#include "kernels/max-pool-takes_wasm.h"

namespace bw {
namespace {

// One window element at offset `at` against the running best: replace when
// best is not NaN and !(v <= best), i.e. v larger, or v NaN (max-pool-rows.h).
inline void Step(const float* x, int64_t at, v128_t iota, v128_t* best, v128_t* idx) {
  const v128_t v = wasm_v128_load(x + at);
  const v128_t take = Takes(v, *best);
  *best = wasm_v128_bitselect(v, *best, take);
  *idx = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(at)), iota), *idx, take);
}

void MaxPoolRowWasm(const ConvGeom& g, const float* x, float* y, int32_t* argmax, int64_t row, bool /*prefetch*/) {
  const int64_t C = g.in_c, C4 = C - C % 4;
  {
    // The whole-2x2 fast row, when every window of this row is one inside x.
    const int64_t hs = (row % g.out_h) * g.stride_h - g.pad_top;
    if (g.k_h == 2 && g.k_w == 2 && C4 == C && g.pad_left == 0 && hs >= 0 && hs + 2 <= g.in_h &&
        (g.out_w - 1) * g.stride_w + 2 <= g.in_w) {
      const int64_t top_at = ((row / g.out_h) * g.in_h + hs) * g.in_w * C;
      const int64_t out = row * g.out_w * C;
      if (pool2x2::ArgmaxRow(x + top_at, static_cast<int32_t>(top_at), static_cast<int32_t>(g.out_w),
                             static_cast<int32_t>(C), static_cast<int32_t>(g.stride_w * C),
                             static_cast<int32_t>(g.in_w * C), y + out, argmax + out)) {
        return;
      }
    }
  }
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t hs = oh * g.stride_h - g.pad_top;
  const int64_t h0 = hs < 0 ? 0 : hs, h1 = hs + g.k_h > g.in_h ? g.in_h : hs + g.k_h;
  const v128_t iota = wasm_i32x4_make(0, 1, 2, 3);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t ws = ow * g.stride_w - g.pad_left;
    const int64_t w0 = ws < 0 ? 0 : ws, w1 = ws + g.k_w > g.in_w ? g.in_w : ws + g.k_w;
    const int64_t out = (row * g.out_w + ow) * C;
    const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C;
    if (h1 - h0 == 2 && w1 - w0 == 2 && C4 == C) {
      // The common 2x2 window, whole, as a tree: the winner of each row pair,
      // then the lower pair's winner against the upper's. The rule picks the
      // first NaN, else the first maximum, so the tree picks what the scan
      // in window order picks. Each lane keeps its winner's offset from the
      // window's first element (masks of constants, no selects where one
      // side is 0) and its index is formed once at the end.
      const int64_t right = C, down = g.in_w * C;
      const v128_t off_r = wasm_i32x4_splat(static_cast<int32_t>(right));
      const v128_t off_d = wasm_i32x4_splat(static_cast<int32_t>(down));
      for (int64_t c = 0; c < C; c += 4) {
        const int64_t at = first + c;
        const v128_t x0 = wasm_v128_load(x + at), x1 = wasm_v128_load(x + at + right);
        const v128_t x2 = wasm_v128_load(x + at + down), x3 = wasm_v128_load(x + at + down + right);
        const v128_t t01 = Takes(x1, x0), t23 = Takes(x3, x2);
        const v128_t b01 = wasm_v128_bitselect(x1, x0, t01), b23 = wasm_v128_bitselect(x3, x2, t23);
        const v128_t o01 = wasm_v128_and(t01, off_r);
        const v128_t o23 = wasm_i32x4_add(off_d, wasm_v128_and(t23, off_r));
        const v128_t t = Takes(b23, b01);
        wasm_v128_store(y + out + c, wasm_v128_bitselect(b23, b01, t));
        const v128_t off = wasm_v128_bitselect(o23, o01, t);
        wasm_v128_store(argmax + out + c, wasm_i32x4_add(off, wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(at)), iota)));
      }
      continue;
    }
    for (int64_t c = 0; c < C4; c += 4) {
      v128_t best = wasm_v128_load(x + first + c);
      v128_t idx = wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(first + c)), iota);
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = w0; iw < w1; ++iw) Step(x, ((n * g.in_h + ih) * g.in_w + iw) * C + c, iota, &best, &idx);
      }
      wasm_v128_store(y + out + c, best);
      wasm_v128_store(argmax + out + c, idx);
    }
    for (int64_t c = C4; c < C; ++c) {
      float best = x[first + c];
      int32_t at = static_cast<int32_t>(first + c);
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = w0; iw < w1; ++iw) {
          const int64_t i = ((n * g.in_h + ih) * g.in_w + iw) * C + c;
          const float v = x[i];
          if (best == best && !(v <= best)) {
            best = v;
            at = static_cast<int32_t>(i);
          }
        }
      }
      y[out + c] = best;
      argmax[out + c] = at;
    }
  }
}

}  // namespace

MaxPoolRows MaxPoolRowsWasm() { return {"wasm-simd128", MaxPoolRowWasm}; }

}  // namespace bw

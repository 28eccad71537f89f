#include "kernels/max-pool-values.h"

#include <wasm_simd128.h>

#include <algorithm>

#include "kernels/max-pool-2x2_wasm.h"
#include "kernels/max-pool-takes_wasm.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// The better of best and v by max pooling's rule (Takes), in window order.
inline v128_t Better(v128_t best, v128_t v) { return wasm_v128_bitselect(v, best, Takes(v, best)); }

// A whole 2x2 window, 4 channels. Without NaNs the rule is pmax (b replaces a
// only when a < b: ties keep the first, so -0 before +0 stays -0), one
// instruction on x86. A NaN anywhere makes the sum NaN (so may inf - inf, a
// false alarm that only costs the exact path).
inline v128_t Window2x2(const float* p, int64_t right, int64_t down) {
  const v128_t x0 = wasm_v128_load(p), x1 = wasm_v128_load(p + right);
  const v128_t x2 = wasm_v128_load(p + down), x3 = wasm_v128_load(p + down + right);
  const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(x0, x1), wasm_f32x4_add(x2, x3));
  if (!wasm_v128_any_true(wasm_f32x4_ne(sum, sum))) {
    return wasm_f32x4_pmax(wasm_f32x4_pmax(x0, x1), wasm_f32x4_pmax(x2, x3));
  }
  return Better(Better(x0, x1), Better(x2, x3));
}

void Row(const ConvGeom& g, const float* x, float* y, int64_t row) {
  const int64_t C = g.in_c, C4 = C - C % 4;
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t hs = oh * g.stride_h - g.pad_top;
  const int64_t h0 = std::max<int64_t>(0, hs), h1 = std::min(g.in_h, hs + g.k_h);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t ws = ow * g.stride_w - g.pad_left;
    const int64_t w0 = std::max<int64_t>(0, ws), w1 = std::min(g.in_w, ws + g.k_w);
    float* out = y + (row * g.out_w + ow) * C;
    const float* first = x + ((n * g.in_h + h0) * g.in_w + w0) * C;
    if (h1 - h0 == 2 && w1 - w0 == 2) {
      for (int64_t c = 0; c < C4; c += 4) wasm_v128_store(out + c, Window2x2(first + c, C, g.in_w * C));
    } else {
      // Any other window (an edge of 'same' padding, larger pools): in window order.
      for (int64_t c = 0; c < C4; c += 4) {
        v128_t best = wasm_v128_load(first + c);
        for (int64_t ih = h0; ih < h1; ++ih) {
          for (int64_t iw = ih == h0 ? w0 + 1 : w0; iw < w1; ++iw) {
            best = Better(best, wasm_v128_load(x + ((n * g.in_h + ih) * g.in_w + iw) * C + c));
          }
        }
        wasm_v128_store(out + c, best);
      }
    }
    // The last C % 4 channels one by one, by the same rule.
    for (int64_t c = C4; c < C; ++c) {
      float best = first[c];
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = ih == h0 ? w0 + 1 : w0; iw < w1; ++iw) {
          const float v = x[((n * g.in_h + ih) * g.in_w + iw) * C + c];
          if (best == best && !(v <= best)) best = v;
        }
      }
      out[c] = best;
    }
  }
}

// Whether every window of output row `row` is a whole 2 x 2 one inside x.
bool Whole2x2(const ConvGeom& g, int64_t row) {
  if (g.k_h != 2 || g.k_w != 2 || g.in_c % 4 != 0 || g.pad_left != 0) return false;
  const int64_t hs = (row % g.out_h) * g.stride_h - g.pad_top;
  return hs >= 0 && hs + 2 <= g.in_h && (g.out_w - 1) * g.stride_w + 2 <= g.in_w;
}

void PoolRow(const ConvGeom& g, const float* x, float* y, int64_t row) {
  if (Whole2x2(g, row)) {
    const int64_t n = row / g.out_h, hs = (row % g.out_h) * g.stride_h - g.pad_top;
    const float* top = x + (n * g.in_h + hs) * g.in_w * g.in_c;
    if (pool2x2::ValuesRow(top, top + g.in_w * g.in_c, y + row * g.out_w * g.in_c, static_cast<int32_t>(g.out_w),
                           static_cast<int32_t>(g.in_c), static_cast<int32_t>(g.stride_w * g.in_c))) {
      return;
    }
  }
  Row(g, x, y, row);
}

}  // namespace

void MaxPoolValues(const ConvGeom& g, const float* x, float* y) {
  // About 64 KiB of output per task, from the shapes only, as MaxPool.
  const int64_t row_elems = std::max<int64_t>(1, g.out_w * g.in_c);
  ParallelRanges(g.batch * g.out_h, std::max<int64_t>(1, 16384 / row_elems), [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) PoolRow(g, x, y, row);
  });
}

}  // namespace bw

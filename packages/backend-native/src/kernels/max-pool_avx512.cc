// AVX-512 maxPool row: 16 channels per vector (C is contiguous in NHWC), the
// channel tail through masked loads and stores, so nothing past the arrays is touched.
#include <immintrin.h>

#include "kernels/max-pool-rows.h"

namespace bw {

constexpr int64_t kAhead = 2;

// One window element at offset `at` against the running best (the rule of
// max-pool-rows.h: a larger value or a NaN replaces a number, nothing replaces a NaN).
static inline void Step(const float* x, int64_t at, __m512i iota, __m512* best, __m512i* idx) {
  const __m512 v = _mm512_loadu_ps(x + at);
  const __mmask16 take = _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(*best, *best, _CMP_ORD_Q), v, *best, _CMP_NLE_UQ);
  *best = _mm512_mask_mov_ps(*best, take, v);
  *idx = _mm512_mask_mov_epi32(*idx, take, _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(at)), iota));
}

static void MaxPoolRowAvx512(const ConvGeom& g, const float* x, float* y, int32_t* argmax, int64_t row, bool prefetch) {
  const int64_t C = g.in_c;
  const int64_t total = g.batch * g.in_h * g.in_w * C;
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t hs = oh * g.stride_h - g.pad_top;
  const int64_t h0 = hs < 0 ? 0 : hs, h1 = hs + g.k_h > g.in_h ? g.in_h : hs + g.k_h;
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t ws = ow * g.stride_w - g.pad_left;
    const int64_t w0 = ws < 0 ? 0 : ws, w1 = ws + g.k_w > g.in_w ? g.in_w : ws + g.k_w;
    const int64_t out = (row * g.out_w + ow) * C;
    const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C;
    // Prefetch this window's pixels kAhead output rows further down: on an x
    // that comes from DRAM the hardware prefetcher alone got a fraction of the
    // bandwidth (docs/backend-native/design.md).
    // A prefetch never faults, and the bound keeps it inside x anyway.
    for (int64_t ih = h0; ih < h1 && prefetch; ++ih) {
      for (int64_t iw = w0; iw < w1; ++iw) {
        const int64_t at = ((n * g.in_h + ih + kAhead * g.stride_h) * g.in_w + iw) * C;
        if (at + C <= total) {
          for (int64_t c = 0; c < C; c += 16) _mm_prefetch(reinterpret_cast<const char*>(x + at + c), _MM_HINT_T0);
        }
      }
    }
    if (h1 - h0 == 2 && w1 - w0 == 2 && C % 16 == 0) {
      // The common 2x2 window, whole: three fixed steps from the first element.
      const int64_t right = C, down = g.in_w * C;
      for (int64_t c = 0; c < C; c += 16) {
        const int64_t at = first + c;
        __m512 best = _mm512_loadu_ps(x + at);
        __m512i idx = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(at)), iota);
        Step(x, at + right, iota, &best, &idx);
        Step(x, at + down, iota, &best, &idx);
        Step(x, at + down + right, iota, &best, &idx);
        _mm512_storeu_ps(y + out + c, best);
        _mm512_storeu_epi32(argmax + out + c, idx);
      }
      continue;
    }
    for (int64_t c = 0; c < C; c += 16) {
      const __mmask16 lanes = C - c >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (C - c)) - 1u);
      __m512 best = _mm512_maskz_loadu_ps(lanes, x + first + c);
      __m512i idx = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(first + c)), iota);
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = w0; iw < w1; ++iw) {
          const int64_t base = ((n * g.in_h + ih) * g.in_w + iw) * C + c;
          const __m512 v = _mm512_maskz_loadu_ps(lanes, x + base);
          // Replace when best is not NaN and !(v <= best): v larger, or v NaN.
          const __mmask16 take = _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(best, best, _CMP_ORD_Q), v, best, _CMP_NLE_UQ);
          best = _mm512_mask_mov_ps(best, take, v);
          idx = _mm512_mask_mov_epi32(idx, take, _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(base)), iota));
        }
      }
      _mm512_mask_storeu_ps(y + out + c, lanes, best);
      _mm512_mask_storeu_epi32(argmax + out + c, lanes, idx);
    }
  }
}

MaxPoolRows MaxPoolRowsAvx512() { return {"avx512", MaxPoolRowAvx512}; }

}  // namespace bw

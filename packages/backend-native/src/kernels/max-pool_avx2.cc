// AVX2 maxPool row: 8 channels per vector (C is contiguous in NHWC); the last
// C % 8 channels take the scalar rule, so no load reaches past x.
#include <immintrin.h>

#include "kernels/max-pool-rows.h"

namespace bw {

constexpr int64_t kAhead = 2;

// One window element at offset `at` against the running best (the rule of max-pool-rows.h).
static inline void Step(const float* x, int64_t at, __m256i iota, __m256* best, __m256i* idx) {
  const __m256 v = _mm256_loadu_ps(x + at);
  const __m256 take = _mm256_and_ps(_mm256_cmp_ps(*best, *best, _CMP_ORD_Q), _mm256_cmp_ps(v, *best, _CMP_NLE_UQ));
  *best = _mm256_blendv_ps(*best, v, take);
  const __m256i here = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(at)), iota);
  *idx = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(*idx), _mm256_castsi256_ps(here), take));
}

static void MaxPoolRowAvx2(const ConvGeom& g, const float* x, float* y, int32_t* argmax, int64_t row, bool prefetch) {
  const int64_t C = g.in_c, C8 = C - C % 8;
  const int64_t total = g.batch * g.in_h * g.in_w * C;
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t hs = oh * g.stride_h - g.pad_top;
  const int64_t h0 = hs < 0 ? 0 : hs, h1 = hs + g.k_h > g.in_h ? g.in_h : hs + g.k_h;
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t ws = ow * g.stride_w - g.pad_left;
    const int64_t w0 = ws < 0 ? 0 : ws, w1 = ws + g.k_w > g.in_w ? g.in_w : ws + g.k_w;
    const int64_t out = (row * g.out_w + ow) * C;
    const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C;
    // Prefetch this window's pixels kAhead output rows further down (see max-pool_avx512.cc).
    for (int64_t ih = h0; ih < h1 && prefetch; ++ih) {
      for (int64_t iw = w0; iw < w1; ++iw) {
        const int64_t at = ((n * g.in_h + ih + kAhead * g.stride_h) * g.in_w + iw) * C;
        if (at + C <= total) {
          for (int64_t c = 0; c < C; c += 16) _mm_prefetch(reinterpret_cast<const char*>(x + at + c), _MM_HINT_T0);
        }
      }
    }
    if (h1 - h0 == 2 && w1 - w0 == 2 && C8 == C) {
      // The common 2x2 window, whole: three fixed steps from the first element.
      const int64_t right = C, down = g.in_w * C;
      for (int64_t c = 0; c < C; c += 8) {
        const int64_t at = first + c;
        __m256 best = _mm256_loadu_ps(x + at);
        __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(at)), iota);
        Step(x, at + right, iota, &best, &idx);
        Step(x, at + down, iota, &best, &idx);
        Step(x, at + down + right, iota, &best, &idx);
        _mm256_storeu_ps(y + out + c, best);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(argmax + out + c), idx);
      }
      continue;
    }
    for (int64_t c = 0; c < C8; c += 8) {
      __m256 best = _mm256_loadu_ps(x + first + c);
      __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(first + c)), iota);
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = w0; iw < w1; ++iw) {
          const int64_t base = ((n * g.in_h + ih) * g.in_w + iw) * C + c;
          const __m256 v = _mm256_loadu_ps(x + base);
          // Replace when best is not NaN and !(v <= best): v larger, or v NaN.
          const __m256 take = _mm256_and_ps(_mm256_cmp_ps(best, best, _CMP_ORD_Q), _mm256_cmp_ps(v, best, _CMP_NLE_UQ));
          best = _mm256_blendv_ps(best, v, take);
          const __m256i at = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(base)), iota);
          idx = _mm256_castps_si256(
              _mm256_blendv_ps(_mm256_castsi256_ps(idx), _mm256_castsi256_ps(at), take));
        }
      }
      _mm256_storeu_ps(y + out + c, best);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(argmax + out + c), idx);
    }
    for (int64_t c = C8; c < C; ++c) {
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

MaxPoolRows MaxPoolRowsAvx2() { return {"avx2", MaxPoolRowAvx2}; }

}  // namespace bw

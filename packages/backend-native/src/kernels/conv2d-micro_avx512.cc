// AVX-512 convolution microkernels (see conv2d-micro.h), 12 x 32 tiles like the
// GEMM's: 24 ZMM accumulators, two dy loads and twelve broadcasts per pixel.
// Partial column slivers go through masked loads and stores, which never touch
// memory outside the mask.
#include <immintrin.h>

// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized (_mm512_undefined_ps
// as the pass-through of unmasked min/max): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/conv2d-micro.h"

namespace bw {
namespace {

constexpr int kMr = 12;
constexpr int kNr = 32;

// Named accumulators (the BW_ROWS macros), not an array: with __m512 acc[12][2]
// GCC 12 kept the registers but also stored all 24 to the stack on every pixel.
#define BW_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define BW_ZERO(r) __m512 acc##r##a = _mm512_setzero_ps(), acc##r##b = _mm512_setzero_ps();
#define BW_OFFSET(r) const int64_t off##r = offset[r];
#define BW_FMA(r)                                         \
  {                                                       \
    const __m512 av = _mm512_set1_ps(x[off##r]);          \
    acc##r##a = _mm512_fmadd_ps(av, b0, acc##r##a);       \
    acc##r##b = _mm512_fmadd_ps(av, b1, acc##r##b);       \
  }
#define BW_STORE(r)                                                                                     \
  _mm512_mask_storeu_ps(c + (r) * ldc, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c + (r) * ldc), acc##r##a)); \
  _mm512_mask_storeu_ps(c + (r) * ldc + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + (r) * ldc + 16), acc##r##b));

void FilterGradAvx512(int64_t runs, const ConvRun* run, int64_t x_step, const int64_t* offset, int64_t ldy,
                      int64_t cols, float* c, int64_t ldc) {
  const __mmask16 m0 = cols >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << cols) - 1);
  const __mmask16 m1 = cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : static_cast<__mmask16>((1u << (cols - 16)) - 1);
  BW_ROWS(BW_ZERO)
  BW_ROWS(BW_OFFSET)
  for (int64_t s = 0; s < runs; ++s) {
    const float* x = run[s].x;
    const float* dy = run[s].dy;
    if (cols == kNr) {
      for (int64_t q = run[s].count; q > 0; --q, x += x_step, dy += ldy) {
        const __m512 b0 = _mm512_loadu_ps(dy);
        const __m512 b1 = _mm512_loadu_ps(dy + 16);
        BW_ROWS(BW_FMA)
      }
      continue;
    }
    for (int64_t q = run[s].count; q > 0; --q, x += x_step, dy += ldy) {
      const __m512 b0 = _mm512_maskz_loadu_ps(m0, dy);
      const __m512 b1 = _mm512_maskz_loadu_ps(m1, dy + 16);
      BW_ROWS(BW_FMA)
    }
  }
  BW_ROWS(BW_STORE)
}

#define BW_POINTER(r) const float* p##r = pixel[r];
#define BW_FWD_FMA(r)                                     \
  {                                                       \
    const __m512 av = _mm512_set1_ps(p##r[off]);          \
    acc##r##a = _mm512_fmadd_ps(av, b0, acc##r##a);       \
    acc##r##b = _mm512_fmadd_ps(av, b1, acc##r##b);       \
  }
#define BW_FWD_STORE(r)                             \
  _mm512_storeu_ps(c + (r) * ldc, acc##r##a);       \
  _mm512_storeu_ps(c + (r) * ldc + 16, acc##r##b);

void ForwardAvx512(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b, float* c, int64_t ldc) {
  BW_ROWS(BW_ZERO)
  BW_ROWS(BW_POINTER)
  for (int64_t k = 0; k < kk; ++k, b += kNr) {
    const int64_t off = offset[k];
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
    BW_ROWS(BW_FWD_FMA)
  }
  BW_ROWS(BW_FWD_STORE)
}

// Pooled pixel q's window is rows 4q..4q+3: the max-select of PoolWindowValue
// on x * sign (exact), then the normalizing step and ReLU once, on the winner.
// This exact form keeps the first NaN of a window, as max pooling does.
#define BW_TAKE(best, v) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(best, best, _CMP_ORD_Q) & _mm512_cmp_ps_mask(v, best, _CMP_NLE_UQ), best, v)

inline __m512 PoolNormRelu(__m512 x0, __m512 x1, __m512 x2, __m512 x3, __m512 ce, __m512 lo, __m512 sc, __m512 sh,
                           __m512 sign, __mmask16) {
  __m512 best = _mm512_mul_ps(x0, sign);
  best = BW_TAKE(best, _mm512_mul_ps(x1, sign));
  best = BW_TAKE(best, _mm512_mul_ps(x2, sign));
  best = BW_TAKE(best, _mm512_mul_ps(x3, sign));
  const __m512 t = _mm512_add_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_sub_ps(_mm512_mul_ps(best, sign), ce), lo), sc), sh);
  // relu as the unfused kernel computes it: t if t > 0 or NaN, else 0.
  const __mmask16 keep = _mm512_cmp_ps_mask(t, _mm512_setzero_ps(), _CMP_GT_OQ) | _mm512_cmp_ps_mask(t, t, _CMP_UNORD_Q);
  return _mm512_maskz_mov_ps(keep, t);
}

// The same bits when no window value is NaN, in fewer and shorter-latency
// operations (max/min trees instead of compare-and-blend chains, no mask
// compares): the winner of x * sign is the maximum of x where sign is 1 and
// its minimum where sign is -1 (lanes `neg`). Equal values can only differ in
// the sign of a zero, which batch norm and ReLU never let through. ReLU as
// max(0, t) + 0: t when t > 0 or NaN (vmaxps returns its second operand for a
// NaN), and the + 0 turns max's -0 for t = -0 into the +0 of the unfused kernel.
inline __m512 PoolNormReluNoNaN(__m512 x0, __m512 x1, __m512 x2, __m512 x3, __m512 ce, __m512 lo, __m512 sc, __m512 sh,
                                __m512, __mmask16 neg) {
  __m512 best = _mm512_max_ps(_mm512_max_ps(x0, x1), _mm512_max_ps(x2, x3));
  if (neg != 0) best = _mm512_mask_blend_ps(neg, best, _mm512_min_ps(_mm512_min_ps(x0, x1), _mm512_min_ps(x2, x3)));
  const __m512 t = _mm512_add_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_sub_ps(best, ce), lo), sc), sh);
  const __m512 zero = _mm512_setzero_ps();
  return _mm512_add_ps(_mm512_max_ps(zero, t), zero);
}

// NaN in the tile: the sum of all its values is NaN (so is a sum of infinities
// of both signs, which then also takes the exact path). Summed as a tree, not
// a chain of 24 dependent additions.
inline bool HasNaN(__m512 a, __m512 b, __m512 c, __m512 d, __m512 e, __m512 f, __m512 g, __m512 h) {
  const __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a, b), _mm512_add_ps(c, d)),
                                 _mm512_add_ps(_mm512_add_ps(e, f), _mm512_add_ps(g, h)));
  return _mm512_cmp_ps_mask(s, s, _CMP_UNORD_Q) != 0;
}
#define BW_POOL2(q, r0, r1, r2, r3, F)                                                                            \
  if (count > (q)) {                                                                                             \
    _mm512_mask_storeu_ps(y + (q) * ldy, m0, F(acc##r0##a, acc##r1##a, acc##r2##a, acc##r3##a, ce0, lo0, sc0, sh0, sg0, n0));      \
    _mm512_mask_storeu_ps(y + (q) * ldy + 16, m1, F(acc##r0##b, acc##r1##b, acc##r2##b, acc##r3##b, ce1, lo1, sc1, sh1, sg1, n1)); \
  }

void ForwardPoolAvx512(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b,
                       const ConvPoolCoeffs& k, int64_t count, int64_t cols, float* y, int64_t ldy) {
  BW_ROWS(BW_ZERO)
  BW_ROWS(BW_POINTER)
  for (int64_t q = 0; q < kk; ++q, b += kNr) {
    const int64_t off = offset[q];
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
    BW_ROWS(BW_FWD_FMA)
  }
  const __mmask16 m0 = cols >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << cols) - 1);
  const __mmask16 m1 = cols >= 32 ? 0xFFFF : cols <= 16 ? 0 : static_cast<__mmask16>((1u << (cols - 16)) - 1);
  const __m512 ce0 = _mm512_loadu_ps(k.center), ce1 = _mm512_loadu_ps(k.center + 16);
  const __m512 lo0 = _mm512_loadu_ps(k.center_lo), lo1 = _mm512_loadu_ps(k.center_lo + 16);
  const __m512 sc0 = _mm512_loadu_ps(k.scale), sc1 = _mm512_loadu_ps(k.scale + 16);
  const __m512 sh0 = _mm512_loadu_ps(k.shift), sh1 = _mm512_loadu_ps(k.shift + 16);
  const __m512 sg0 = _mm512_loadu_ps(k.sign), sg1 = _mm512_loadu_ps(k.sign + 16);
  const __mmask16 n0 = _mm512_cmp_ps_mask(sg0, _mm512_setzero_ps(), _CMP_LT_OQ);
  const __mmask16 n1 = _mm512_cmp_ps_mask(sg1, _mm512_setzero_ps(), _CMP_LT_OQ);
  const bool nan = HasNaN(_mm512_add_ps(acc0a, acc0b), _mm512_add_ps(acc1a, acc1b), _mm512_add_ps(acc2a, acc2b),
                          _mm512_add_ps(acc3a, acc3b), _mm512_add_ps(acc4a, acc4b), _mm512_add_ps(acc5a, acc5b),
                          _mm512_add_ps(acc6a, acc6b), _mm512_add_ps(acc7a, acc7b)) |
                   HasNaN(acc8a, acc8b, acc9a, acc9b, acc10a, acc10b, acc11a, acc11b);
  if (!nan) {
    BW_POOL2(0, 0, 1, 2, 3, PoolNormReluNoNaN)
    BW_POOL2(1, 4, 5, 6, 7, PoolNormReluNoNaN)
    BW_POOL2(2, 8, 9, 10, 11, PoolNormReluNoNaN)
    return;
  }
  BW_POOL2(0, 0, 1, 2, 3, PoolNormRelu)
  BW_POOL2(1, 4, 5, 6, 7, PoolNormRelu)
  BW_POOL2(2, 8, 9, 10, 11, PoolNormRelu)
}

// Half the columns, twice the rows: with at most 16 output channels (a
// first layer of 16 filters) the 12 x 32 tile would multiply zeros half the
// time. 24 rows (six pooled pixels) of one ZMM each; b keeps its 32-float
// sliver stride, its upper half unused.
#define BW_ROWS24(X) BW_ROWS(X) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define BW_ZERO1(r) __m512 acc##r = _mm512_setzero_ps();
#define BW_FMA1(r) acc##r = _mm512_fmadd_ps(_mm512_set1_ps(p##r[off]), b0, acc##r);
#define BW_POOL1(q, r0, r1, r2, r3, F)                                                                        \
  if (count > (q)) {                                                                                         \
    _mm512_mask_storeu_ps(y + (q) * ldy, m0, F(acc##r0, acc##r1, acc##r2, acc##r3, ce, lo, sc, sh, sg, neg)); \
  }
#define BW_POOL1_ALL(F) \
  BW_POOL1(0, 0, 1, 2, 3, F) BW_POOL1(1, 4, 5, 6, 7, F) BW_POOL1(2, 8, 9, 10, 11, F) \
  BW_POOL1(3, 12, 13, 14, 15, F) BW_POOL1(4, 16, 17, 18, 19, F) BW_POOL1(5, 20, 21, 22, 23, F)

void ForwardPoolNarrowAvx512(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b,
                             const ConvPoolCoeffs& k, int64_t count, int64_t cols, float* y, int64_t ldy) {
  BW_ROWS24(BW_ZERO1)
  BW_ROWS24(BW_POINTER)
  for (int64_t q = 0; q < kk; ++q, b += kNr) {
    const int64_t off = offset[q];
    const __m512 b0 = _mm512_loadu_ps(b);
    BW_ROWS24(BW_FMA1)
  }
  const __mmask16 m0 = cols >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << cols) - 1);
  const __m512 ce = _mm512_loadu_ps(k.center), lo = _mm512_loadu_ps(k.center_lo), sc = _mm512_loadu_ps(k.scale);
  const __m512 sh = _mm512_loadu_ps(k.shift), sg = _mm512_loadu_ps(k.sign);
  const __mmask16 neg = _mm512_cmp_ps_mask(sg, _mm512_setzero_ps(), _CMP_LT_OQ);
  const bool nan = HasNaN(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7) |
                   HasNaN(acc8, acc9, acc10, acc11, acc12, acc13, acc14, acc15) |
                   HasNaN(acc16, acc17, acc18, acc19, acc20, acc21, acc22, acc23);
  if (!nan) {
    BW_POOL1_ALL(PoolNormReluNoNaN)
    return;
  }
  BW_POOL1_ALL(PoolNormRelu)
}

#undef BW_ROWS24
#undef BW_ZERO1
#undef BW_FMA1
#undef BW_POOL1
#undef BW_POOL1_ALL
#undef BW_POOL2
#undef BW_TAKE
#undef BW_POINTER
#undef BW_FWD_FMA
#undef BW_FWD_STORE
#undef BW_ROWS
#undef BW_ZERO
#undef BW_OFFSET
#undef BW_FMA
#undef BW_STORE

}  // namespace

ConvMicro ConvMicroAvx512() {
  return {kMr, kNr, FilterGradAvx512, ForwardAvx512, "avx512-12x32", ForwardPoolAvx512, ForwardPoolNarrowAvx512};
}

}  // namespace bw

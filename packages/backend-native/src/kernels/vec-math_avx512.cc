// AVX-512 array math: 16 floats per step; the tail goes through a zero-padded
// local block, so no load or store leaves the arrays. Formulas: vec-math.h.
#include <immintrin.h>

// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized (_mm512_undefined_ps
// as the pass-through of unmasked min/max/round/convert): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/vec-math.h"

namespace bw {
namespace {

using V = __m512;
static inline V Set(float v) { return _mm512_set1_ps(v); }
static inline V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }

static inline V Exp(V x) {
  // min/max return their second operand when either is NaN: NaN passes through.
  x = _mm512_max_ps(Set(-104.0f), _mm512_min_ps(Set(89.0f), x));
  const V n = _mm512_roundscale_ps(_mm512_mul_ps(x, Set(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = Fma(n, Set(-0.693359375f), x);
  r = Fma(n, Set(2.12194440e-4f), r);
  V p = Set(1.9875691500e-4f);
  p = Fma(p, r, Set(1.3981999507e-3f));
  p = Fma(p, r, Set(8.3334519073e-3f));
  p = Fma(p, r, Set(4.1665795894e-2f));
  p = Fma(p, r, Set(1.6666665459e-1f));
  p = Fma(p, r, Set(5.0000001201e-1f));
  p = Fma(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, Set(1.0f)));
  // 2^n as 2^a * 2^b with a = n >> 1: both stay normal for n in [-150, 129].
  const __m512i ni = _mm512_cvtps_epi32(n);
  const __m512i a = _mm512_srai_epi32(ni, 1), b = _mm512_sub_epi32(ni, a);
  const __m512i bias = _mm512_set1_epi32(127);
  const V sa = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(a, bias), 23));
  const V sb = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(b, bias), 23));
  return _mm512_mul_ps(_mm512_mul_ps(p, sa), sb);
}

static inline V Sigmoid(V x) {
  return _mm512_div_ps(Set(1.0f), _mm512_add_ps(Set(1.0f), Exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

static inline V Tanh(V x) {
  const V sign = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(static_cast<int>(0x80000000u))));
  const V ax = _mm512_abs_ps(x);
  const V z = _mm512_mul_ps(x, x);
  V p = Set(-5.70498872745e-3f);
  p = Fma(p, z, Set(2.06390887954e-2f));
  p = Fma(p, z, Set(-5.37397155531e-2f));
  p = Fma(p, z, Set(1.33314422036e-1f));
  p = Fma(p, z, Set(-3.33332819422e-1f));
  // On |x| with the sign put back, so that tanh(-0) = -0.
  const V small = _mm512_or_ps(sign, Fma(_mm512_mul_ps(p, z), ax, ax));
  const V e = Exp(_mm512_add_ps(ax, ax));
  const V large = _mm512_or_ps(sign, _mm512_sub_ps(Set(1.0f), _mm512_div_ps(Set(2.0f), _mm512_add_ps(e, Set(1.0f)))));
  // NaN fails the compare and takes `small`, which is NaN.
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, Set(0.625f), _CMP_GE_OQ), small, large);
}

#define BW_VEC_MATH_ARRAY(Name, Fn)                              \
  void Name(int64_t n, const float* x, float* y) {               \
    int64_t i = 0;                                               \
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, Fn(_mm512_loadu_ps(x + i))); \
    if (i < n) {                                                 \
      const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1u); \
      _mm512_mask_storeu_ps(y + i, m, Fn(_mm512_maskz_loadu_ps(m, x + i))); \
    }                                                            \
  }

BW_VEC_MATH_ARRAY(ExpArray, Exp)
BW_VEC_MATH_ARRAY(SigmoidArray, Sigmoid)
BW_VEC_MATH_ARRAY(TanhArray, Tanh)

}  // namespace

VecMath VecMathAvx512() { return {ExpArray, SigmoidArray, TanhArray}; }

}  // namespace bw

// AVX2+FMA array math: 8 floats per step; the tail goes through a zero-padded
// local block, so no load or store leaves the arrays. Formulas: vec-math.h.
#include <immintrin.h>

#include "kernels/vec-math.h"

namespace bw {
namespace {

using V = __m256;
static inline V Set(float v) { return _mm256_set1_ps(v); }
static inline V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }

static inline V Exp(V x) {
  // min/max return their second operand when either is NaN: NaN passes through.
  x = _mm256_max_ps(Set(-104.0f), _mm256_min_ps(Set(89.0f), x));
  const V n = _mm256_round_ps(_mm256_mul_ps(x, Set(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = Fma(n, Set(-0.693359375f), x);
  r = Fma(n, Set(2.12194440e-4f), r);
  V p = Set(1.9875691500e-4f);
  p = Fma(p, r, Set(1.3981999507e-3f));
  p = Fma(p, r, Set(8.3334519073e-3f));
  p = Fma(p, r, Set(4.1665795894e-2f));
  p = Fma(p, r, Set(1.6666665459e-1f));
  p = Fma(p, r, Set(5.0000001201e-1f));
  p = Fma(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, Set(1.0f)));
  // 2^n as 2^a * 2^b with a = n >> 1: both stay normal for n in [-150, 129].
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i a = _mm256_srai_epi32(ni, 1), b = _mm256_sub_epi32(ni, a);
  const __m256i bias = _mm256_set1_epi32(127);
  const V sa = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(a, bias), 23));
  const V sb = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(b, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, sa), sb);
}

static inline V Sigmoid(V x) {
  return _mm256_div_ps(Set(1.0f), _mm256_add_ps(Set(1.0f), Exp(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

static inline V Tanh(V x) {
  const V signbit = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(0x80000000u)));
  const V sign = _mm256_and_ps(x, signbit);
  const V ax = _mm256_andnot_ps(signbit, x);
  const V z = _mm256_mul_ps(x, x);
  V p = Set(-5.70498872745e-3f);
  p = Fma(p, z, Set(2.06390887954e-2f));
  p = Fma(p, z, Set(-5.37397155531e-2f));
  p = Fma(p, z, Set(1.33314422036e-1f));
  p = Fma(p, z, Set(-3.33332819422e-1f));
  // On |x| with the sign put back, so that tanh(-0) = -0.
  const V small = _mm256_or_ps(sign, Fma(_mm256_mul_ps(p, z), ax, ax));
  const V e = Exp(_mm256_add_ps(ax, ax));
  const V large = _mm256_or_ps(sign, _mm256_sub_ps(Set(1.0f), _mm256_div_ps(Set(2.0f), _mm256_add_ps(e, Set(1.0f)))));
  // NaN fails the compare and takes `small`, which is NaN.
  return _mm256_blendv_ps(small, large, _mm256_cmp_ps(ax, Set(0.625f), _CMP_GE_OQ));
}

#define BW_VEC_MATH_ARRAY(Name, Fn)                                               \
  void Name(int64_t n, const float* x, float* y) {                                \
    int64_t i = 0;                                                                \
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, Fn(_mm256_loadu_ps(x + i))); \
    if (i < n) {                                                                  \
      float in[8] = {}, out[8];                                                   \
      for (int64_t k = 0; k < n - i; ++k) in[k] = x[i + k];                       \
      _mm256_storeu_ps(out, Fn(_mm256_loadu_ps(in)));                             \
      for (int64_t k = 0; k < n - i; ++k) y[i + k] = out[k];                      \
    }                                                                             \
  }

BW_VEC_MATH_ARRAY(ExpArray, Exp)
BW_VEC_MATH_ARRAY(SigmoidArray, Sigmoid)
BW_VEC_MATH_ARRAY(TanhArray, Tanh)

}  // namespace

VecMath VecMathAvx2() { return {ExpArray, SigmoidArray, TanhArray}; }

}  // namespace bw

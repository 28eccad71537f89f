// AVX2+FMA primitives of the array math (vec-math.inc), 8 floats per vector;
// the tail goes through a zero-padded local block.
#include <immintrin.h>

#include "kernels/vec-math.h"

namespace bw {
namespace {

using V = __m256;
using VI = __m256i;
constexpr int64_t kLanes = 8;

static inline V Set(float v) { return _mm256_set1_ps(v); }
static inline V Add(V a, V b) { return _mm256_add_ps(a, b); }
static inline V Sub(V a, V b) { return _mm256_sub_ps(a, b); }
static inline V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
static inline V Div(V a, V b) { return _mm256_div_ps(a, b); }
static inline V Fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline V Min(V a, V b) { return _mm256_min_ps(a, b); }
static inline V Max(V a, V b) { return _mm256_max_ps(a, b); }
static inline V RoundNearest(V v) { return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline VI ToInt(V v) { return _mm256_cvtps_epi32(v); }
static inline VI SubI(VI a, VI b) { return _mm256_sub_epi32(a, b); }
static inline VI HalfI(VI a) { return _mm256_srai_epi32(a, 1); }
static inline V Pow2(VI e) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23)); }
static inline V SignMask() { return _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(0x80000000u))); }
static inline V SignBits(V v) { return _mm256_and_ps(v, SignMask()); }
static inline V Abs(V v) { return _mm256_andnot_ps(SignMask(), v); }
static inline V Or(V a, V b) { return _mm256_or_ps(a, b); }
static inline V SelectGe(V a, V b, V yes, V no) { return _mm256_blendv_ps(no, yes, _mm256_cmp_ps(a, b, _CMP_GE_OQ)); }
static inline V Load(const float* p) { return _mm256_loadu_ps(p); }
static inline void Store(float* p, V v) { _mm256_storeu_ps(p, v); }
static inline V LoadPartial(const float* p, int64_t n) {
  float in[kLanes] = {};
  for (int64_t k = 0; k < n; ++k) in[k] = p[k];
  return _mm256_loadu_ps(in);
}
static inline void StorePartial(float* p, int64_t n, V v) {
  float out[kLanes];
  _mm256_storeu_ps(out, v);
  for (int64_t k = 0; k < n; ++k) p[k] = out[k];
}

}  // namespace
}  // namespace bw

#define BW_VEC_MATH_GETTER VecMathAvx2
#define BW_VEC_MATH_NAME "avx2"
#include "kernels/vec-math.inc"

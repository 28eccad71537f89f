// AVX-512 primitives of the array math (vec-math.inc), 16 floats per vector;
// the tail through masked loads and stores.
#include <immintrin.h>

// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized (_mm512_undefined_ps
// as the pass-through of unmasked min/max/round/convert): a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/vec-math.h"

namespace bw {
namespace {

using V = __m512;
using VI = __m512i;
constexpr int64_t kLanes = 16;

static inline V Set(float v) { return _mm512_set1_ps(v); }
static inline V Add(V a, V b) { return _mm512_add_ps(a, b); }
static inline V Sub(V a, V b) { return _mm512_sub_ps(a, b); }
static inline V Mul(V a, V b) { return _mm512_mul_ps(a, b); }
static inline V Div(V a, V b) { return _mm512_div_ps(a, b); }
static inline V Fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline V Min(V a, V b) { return _mm512_min_ps(a, b); }
static inline V Max(V a, V b) { return _mm512_max_ps(a, b); }
static inline V RoundNearest(V v) { return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
static inline VI ToInt(V v) { return _mm512_cvtps_epi32(v); }
static inline VI SubI(VI a, VI b) { return _mm512_sub_epi32(a, b); }
static inline VI HalfI(VI a) { return _mm512_srai_epi32(a, 1); }
static inline V Pow2(VI e) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23)); }
static inline V SignBits(V v) {
  return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(static_cast<int>(0x80000000u))));
}
static inline V Abs(V v) { return _mm512_abs_ps(v); }
static inline V Or(V a, V b) { return _mm512_or_ps(a, b); }
static inline V SelectGe(V a, V b, V yes, V no) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GE_OQ), no, yes); }
static inline V Load(const float* p) { return _mm512_loadu_ps(p); }
static inline void Store(float* p, V v) { _mm512_storeu_ps(p, v); }
static inline __mmask16 FirstLanes(int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
static inline V LoadPartial(const float* p, int64_t n) { return _mm512_maskz_loadu_ps(FirstLanes(n), p); }
static inline void StorePartial(float* p, int64_t n, V v) { _mm512_mask_storeu_ps(p, FirstLanes(n), v); }

}  // namespace
}  // namespace bw

#define BW_VEC_MATH_GETTER VecMathAvx512
#define BW_VEC_MATH_NAME "avx512"
#include "kernels/vec-math.inc"

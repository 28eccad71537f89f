// 4 x 4 SSE transposes (the x86-64 baseline, so no ISA flag is needed), or
// SIMD128 shuffles in the WebAssembly build (other targets take the plain
// loop that finishes each run): each
// group of four rows and four k steps is four loads, a transpose in registers
// and four stores, instead of sixteen scalar stores at a stride of MR floats.
// Packing is a large part of an implicit-GEMM conv, where each packed value
// feeds only out_c FMAs (docs/backend-native/design.md).
#include "kernels/pack.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace bw {

void PackRows(const float* const* rows, int64_t run, int mr, float* d) {
  int r = 0;
  for (; r + 4 <= mr; r += 4) {
    const float* r0 = rows[r];
    const float* r1 = rows[r + 1];
    const float* r2 = rows[r + 2];
    const float* r3 = rows[r + 3];
    int64_t q = 0;
#if defined(__SSE2__)
    for (; q + 4 <= run; q += 4) {
      __m128 a = _mm_loadu_ps(r0 + q), b = _mm_loadu_ps(r1 + q), c = _mm_loadu_ps(r2 + q), e = _mm_loadu_ps(r3 + q);
      _MM_TRANSPOSE4_PS(a, b, c, e);
      float* out = d + q * mr + r;
      _mm_storeu_ps(out, a);
      _mm_storeu_ps(out + mr, b);
      _mm_storeu_ps(out + 2 * mr, c);
      _mm_storeu_ps(out + 3 * mr, e);
    }
#elif defined(__wasm_simd128__)
    for (; q + 4 <= run; q += 4) {
      const v128_t a = wasm_v128_load(r0 + q), b = wasm_v128_load(r1 + q), c = wasm_v128_load(r2 + q),
                   e = wasm_v128_load(r3 + q);
      // The transpose of _MM_TRANSPOSE4_PS: interleave pairs, then halves.
      const v128_t ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
      const v128_t ce_lo = wasm_i32x4_shuffle(c, e, 0, 4, 1, 5), ce_hi = wasm_i32x4_shuffle(c, e, 2, 6, 3, 7);
      float* out = d + q * mr + r;
      wasm_v128_store(out, wasm_i64x2_shuffle(ab_lo, ce_lo, 0, 2));
      wasm_v128_store(out + mr, wasm_i64x2_shuffle(ab_lo, ce_lo, 1, 3));
      wasm_v128_store(out + 2 * mr, wasm_i64x2_shuffle(ab_hi, ce_hi, 0, 2));
      wasm_v128_store(out + 3 * mr, wasm_i64x2_shuffle(ab_hi, ce_hi, 1, 3));
    }
#endif
    for (; q < run; ++q) {
      float* out = d + q * mr + r;
      out[0] = r0[q];
      out[1] = r1[q];
      out[2] = r2[q];
      out[3] = r3[q];
    }
  }
  for (; r < mr; ++r) {
    const float* src = rows[r];
    for (int64_t q = 0; q < run; ++q) d[q * mr + r] = src[q];
  }
}

}  // namespace bw

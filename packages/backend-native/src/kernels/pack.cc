// 4 x 4 SSE transposes (the x86-64 baseline, so no ISA flag is needed; other
// targets take the plain loop that finishes each run): each
// group of four rows and four k steps is four loads, a transpose in registers
// and four stores, instead of sixteen scalar stores at a stride of MR floats.
// Packing is a large part of an implicit-GEMM conv, where each packed value
// feeds only out_c FMAs (docs/backend-native/design.md).
#include "kernels/pack.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
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

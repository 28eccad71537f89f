// AVX-512 microkernel, 12 x 32: 24 ZMM accumulators, two B loads and one
// broadcast per k step (27 of 32 registers). Compiled with -mavx512f etc. only here.
#include <immintrin.h>

#include "kernels/gemm.h"

namespace bw {
namespace {

constexpr int kMr = 12;
constexpr int kNr = 32;

void MicroAvx512(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m512 acc[kMr][2];
  for (int r = 0; r < kMr; ++r) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int r = 0; r < kMr; ++r) {
      const __m512 av = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
    a += kMr;
    b += kNr;
  }
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[r][0]);
    _mm512_storeu_ps(row + 16, acc[r][1]);
  }
}

// The same tile fed through row pointers: per tap, twelve pointers into x
// (or a zero run) are broadcast from in place. One call covers the whole
// reduction, so C is written once, never read. Named accumulators (the
// BW_ROWS macros), not an array: with __m512 acc[12][2] GCC kept the
// registers but zeroed a stack copy of all 24 and stored them there after
// every tap, 72 memory operations per call on top of the tile's own.
#define BW_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define BW_ZERO(r) __m512 acc##r##a = _mm512_setzero_ps(), acc##r##b = _mm512_setzero_ps();
#define BW_POINTER(r) const float* p##r = rows[r];
#define BW_FMA(r)                                   \
  {                                                 \
    const __m512 av = _mm512_set1_ps(p##r[q]);      \
    acc##r##a = _mm512_fmadd_ps(av, b0, acc##r##a); \
    acc##r##b = _mm512_fmadd_ps(av, b1, acc##r##b); \
  }
#define BW_STORE(r)                                \
  _mm512_storeu_ps(c + (r) * ldc, acc##r##a);      \
  _mm512_storeu_ps(c + (r) * ldc + 16, acc##r##b);

void IndirectAvx512(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c, int64_t ldc) {
  BW_ROWS(BW_ZERO)
  for (int64_t t = 0; t < taps; ++t, rows += kMr) {
    BW_ROWS(BW_POINTER)
    for (int64_t q = 0; q < channels; ++q) {
      const __m512 b0 = _mm512_loadu_ps(b);
      const __m512 b1 = _mm512_loadu_ps(b + 16);
      BW_ROWS(BW_FMA)
      b += kNr;
    }
  }
  BW_ROWS(BW_STORE)
}

#undef BW_ROWS
#undef BW_ZERO
#undef BW_POINTER
#undef BW_FMA
#undef BW_STORE

// See RowKernel (gemm.h): up to 64 columns at a time (four independent chains,
// the tail masked), each block of kc steps from zero, then added to c.
void RowAvx512(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  for (int64_t j = 0; j < n; j += 64) {
    __mmask16 m[4];
    for (int v = 0; v < 4; ++v) {
      const int64_t left = n - j - 16 * v;
      m[v] = left >= 16 ? static_cast<__mmask16>(0xFFFF) : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1u);
    }
    for (int64_t q0 = 0; q0 < k; q0 += kc) {
      __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
      const int64_t q1 = q0 + kc < k ? q0 + kc : k;
      for (int64_t q = q0; q < q1; ++q) {
        const __m512 av = _mm512_set1_ps(a[q]);
        const float* bq = b + q * ldb + j;
        s0 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m[0], bq), s0);
        s1 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m[1], bq + 16), s1);
        s2 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m[2], bq + 32), s2);
        s3 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m[3], bq + 48), s3);
      }
      const bool add = accumulate || q0 > 0;
      const __m512 sums[4] = {s0, s1, s2, s3};
      for (int v = 0; v < 4; ++v) {
        float* cv = c + j + 16 * v;
        const __m512 out = add ? _mm512_add_ps(_mm512_maskz_loadu_ps(m[v], cv), sums[v]) : sums[v];
        _mm512_mask_storeu_ps(cv, m[v], out);
      }
    }
  }
}

}  // namespace

GemmKernel GemmKernelAvx512() { return {kMr, kNr, MicroAvx512, "avx512-12x32", IndirectAvx512, RowAvx512}; }

}  // namespace bw

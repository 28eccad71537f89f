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
// reduction, so C is written once, never read.
void IndirectAvx512(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c, int64_t ldc) {
  __m512 acc[kMr][2];
  for (int r = 0; r < kMr; ++r) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
  for (int64_t t = 0; t < taps; ++t, rows += kMr) {
    const float* p[kMr];
    for (int r = 0; r < kMr; ++r) p[r] = rows[r];
    for (int64_t q = 0; q < channels; ++q) {
      const __m512 b0 = _mm512_loadu_ps(b);
      const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
      for (int r = 0; r < kMr; ++r) {
        const __m512 av = _mm512_set1_ps(p[r][q]);
        acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      }
      b += kNr;
    }
  }
  for (int r = 0; r < kMr; ++r) {
    _mm512_storeu_ps(c + r * ldc, acc[r][0]);
    _mm512_storeu_ps(c + r * ldc + 16, acc[r][1]);
  }
}

}  // namespace

GemmKernel GemmKernelAvx512() { return {kMr, kNr, MicroAvx512, "avx512-12x32", IndirectAvx512}; }

}  // namespace bw

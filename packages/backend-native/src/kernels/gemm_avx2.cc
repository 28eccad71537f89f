// AVX2 + FMA microkernel, 6 x 16: twelve YMM accumulators, two B loads and one
// broadcast per k step (15 of 16 registers), enough independent FMAs to cover
// the 4-cycle latency on two FMA ports. Compiled with -mavx2 -mfma only here.
#include <immintrin.h>

#include "kernels/gemm.h"

namespace bw {
namespace {

constexpr int kMr = 6;
constexpr int kNr = 16;

// Named accumulators rather than an array: with acc[6][2], GCC 12 kept the
// registers but also stored ten of them back to the stack on every k step.
void MicroAvx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
    a += kMr;
    b += kNr;
  }
  const __m256 rows[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    __m256 lo = rows[r][0], hi = rows[r][1];
    if (accumulate) {
      lo = _mm256_add_ps(lo, _mm256_loadu_ps(row));
      hi = _mm256_add_ps(hi, _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, lo);
    _mm256_storeu_ps(row + 8, hi);
  }
}

// The same tile fed through row pointers (see IndirectMicroKernel in gemm.h):
// per tap, six pointers into x (or a zero run) are broadcast from in place.
void IndirectAvx2(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c, int64_t ldc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int64_t t = 0; t < taps; ++t, rows += kMr) {
    const float *p0 = rows[0], *p1 = rows[1], *p2 = rows[2], *p3 = rows[3], *p4 = rows[4], *p5 = rows[5];
    for (int64_t q = 0; q < channels; ++q) {
      const __m256 b0 = _mm256_loadu_ps(b);
      const __m256 b1 = _mm256_loadu_ps(b + 8);
      __m256 av = _mm256_broadcast_ss(p0 + q);
      c00 = _mm256_fmadd_ps(av, b0, c00);
      c01 = _mm256_fmadd_ps(av, b1, c01);
      av = _mm256_broadcast_ss(p1 + q);
      c10 = _mm256_fmadd_ps(av, b0, c10);
      c11 = _mm256_fmadd_ps(av, b1, c11);
      av = _mm256_broadcast_ss(p2 + q);
      c20 = _mm256_fmadd_ps(av, b0, c20);
      c21 = _mm256_fmadd_ps(av, b1, c21);
      av = _mm256_broadcast_ss(p3 + q);
      c30 = _mm256_fmadd_ps(av, b0, c30);
      c31 = _mm256_fmadd_ps(av, b1, c31);
      av = _mm256_broadcast_ss(p4 + q);
      c40 = _mm256_fmadd_ps(av, b0, c40);
      c41 = _mm256_fmadd_ps(av, b1, c41);
      av = _mm256_broadcast_ss(p5 + q);
      c50 = _mm256_fmadd_ps(av, b0, c50);
      c51 = _mm256_fmadd_ps(av, b1, c51);
      b += kNr;
    }
  }
  const __m256 out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < kMr; ++r) {
    _mm256_storeu_ps(c + r * ldc, out[r][0]);
    _mm256_storeu_ps(c + r * ldc + 8, out[r][1]);
  }
}

// See RowKernel (gemm.h): up to 32 columns at a time (four independent chains,
// the tail through masked loads and stores), each block of kc steps from zero, then added to c.
void RowAvx2(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int64_t j = 0; j < n; j += 32) {
    __m256i m[4];
    for (int v = 0; v < 4; ++v) {
      const int64_t left = n - j - 8 * v;
      m[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(left < 0 ? 0 : left > 8 ? 8 : left)), iota);
    }
    for (int64_t q0 = 0; q0 < k; q0 += kc) {
      __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
      const int64_t q1 = q0 + kc < k ? q0 + kc : k;
      for (int64_t q = q0; q < q1; ++q) {
        const __m256 av = _mm256_broadcast_ss(a + q);
        const float* bq = b + q * ldb + j;
        s0 = _mm256_fmadd_ps(av, _mm256_maskload_ps(bq, m[0]), s0);
        s1 = _mm256_fmadd_ps(av, _mm256_maskload_ps(bq + 8, m[1]), s1);
        s2 = _mm256_fmadd_ps(av, _mm256_maskload_ps(bq + 16, m[2]), s2);
        s3 = _mm256_fmadd_ps(av, _mm256_maskload_ps(bq + 24, m[3]), s3);
      }
      const bool add = accumulate || q0 > 0;
      const __m256 sums[4] = {s0, s1, s2, s3};
      for (int v = 0; v < 4; ++v) {
        float* cv = c + j + 8 * v;
        const __m256 out = add ? _mm256_add_ps(_mm256_maskload_ps(cv, m[v]), sums[v]) : sums[v];
        _mm256_maskstore_ps(cv, m[v], out);
      }
    }
  }
}

}  // namespace

GemmKernel GemmKernelAvx2() { return {kMr, kNr, MicroAvx2, "avx2-6x16", IndirectAvx2, RowAvx2}; }

}  // namespace bw

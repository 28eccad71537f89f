// AVX2 + FMA microkernel, 6 x 16: twelve YMM accumulators, two B loads and one
// broadcast per k step (15 of 16 registers), enough independent FMAs to cover
// the 4-cycle latency on two FMA ports. Compiled with -mavx2 -mfma only here.
#include <immintrin.h>

#include "kernels/gemm.h"

namespace bw {
namespace {

constexpr int kMr = 6;
constexpr int kNr = 16;

void MicroAvx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  __m256 acc[kMr][2];
  for (int r = 0; r < kMr; ++r) {
    acc[r][0] = _mm256_setzero_ps();
    acc[r][1] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < kMr; ++r) {
      const __m256 av = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
    a += kMr;
    b += kNr;
  }
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_loadu_ps(row));
      acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[r][0]);
    _mm256_storeu_ps(row + 8, acc[r][1]);
  }
}

}  // namespace

GemmKernel GemmKernelAvx2() { return {kMr, kNr, MicroAvx2, "avx2-6x16"}; }

}  // namespace bw

// AVX2 + FMA convolution microkernels (see conv2d-micro.h), 6 x 16 tiles like
// the GEMM's. Partial column slivers go through masked loads (which never
// touch memory outside the mask) and a lane-by-lane store.
#include <immintrin.h>

#include "kernels/conv2d-micro.h"

namespace bw {
namespace {

constexpr int kMr = 6;
constexpr int kNr = 16;

__m256i LaneMask(int64_t valid) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid < 0 ? 0 : valid > 8 ? 8 : valid)), iota);
}

void FilterGradAvx2(int64_t runs, const ConvRun* run, int64_t x_step, const int64_t* offset, int64_t ldy, int64_t cols,
                    float* c, int64_t ldc) {
  const __m256i m0 = LaneMask(cols), m1 = LaneMask(cols - 8);
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const int64_t o0 = offset[0], o1 = offset[1], o2 = offset[2], o3 = offset[3], o4 = offset[4], o5 = offset[5];
  for (int64_t s = 0; s < runs; ++s) {
    const float* x = run[s].x;
    const float* dy = run[s].dy;
    for (int64_t q = run[s].count; q > 0; --q, x += x_step, dy += ldy) {
      const __m256 b0 = _mm256_maskload_ps(dy, m0);
      const __m256 b1 = _mm256_maskload_ps(dy + 8, m1);
      __m256 av = _mm256_broadcast_ss(x + o0);
      c00 = _mm256_fmadd_ps(av, b0, c00);
      c01 = _mm256_fmadd_ps(av, b1, c01);
      av = _mm256_broadcast_ss(x + o1);
      c10 = _mm256_fmadd_ps(av, b0, c10);
      c11 = _mm256_fmadd_ps(av, b1, c11);
      av = _mm256_broadcast_ss(x + o2);
      c20 = _mm256_fmadd_ps(av, b0, c20);
      c21 = _mm256_fmadd_ps(av, b1, c21);
      av = _mm256_broadcast_ss(x + o3);
      c30 = _mm256_fmadd_ps(av, b0, c30);
      c31 = _mm256_fmadd_ps(av, b1, c31);
      av = _mm256_broadcast_ss(x + o4);
      c40 = _mm256_fmadd_ps(av, b0, c40);
      c41 = _mm256_fmadd_ps(av, b1, c41);
      av = _mm256_broadcast_ss(x + o5);
      c50 = _mm256_fmadd_ps(av, b0, c50);
      c51 = _mm256_fmadd_ps(av, b1, c51);
    }
  }
  const __m256 out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    _mm256_maskstore_ps(row, m0, _mm256_add_ps(_mm256_maskload_ps(row, m0), out[r][0]));
    _mm256_maskstore_ps(row + 8, m1, _mm256_add_ps(_mm256_maskload_ps(row + 8, m1), out[r][1]));
  }
}

void ForwardAvx2(int64_t kk, const float* const* pixel, const int64_t* offset, const float* b, float* c, int64_t ldc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const float *p0 = pixel[0], *p1 = pixel[1], *p2 = pixel[2], *p3 = pixel[3], *p4 = pixel[4], *p5 = pixel[5];
  for (int64_t k = 0; k < kk; ++k, b += kNr) {
    const int64_t off = offset[k];
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    __m256 av = _mm256_broadcast_ss(p0 + off);
    c00 = _mm256_fmadd_ps(av, b0, c00);
    c01 = _mm256_fmadd_ps(av, b1, c01);
    av = _mm256_broadcast_ss(p1 + off);
    c10 = _mm256_fmadd_ps(av, b0, c10);
    c11 = _mm256_fmadd_ps(av, b1, c11);
    av = _mm256_broadcast_ss(p2 + off);
    c20 = _mm256_fmadd_ps(av, b0, c20);
    c21 = _mm256_fmadd_ps(av, b1, c21);
    av = _mm256_broadcast_ss(p3 + off);
    c30 = _mm256_fmadd_ps(av, b0, c30);
    c31 = _mm256_fmadd_ps(av, b1, c31);
    av = _mm256_broadcast_ss(p4 + off);
    c40 = _mm256_fmadd_ps(av, b0, c40);
    c41 = _mm256_fmadd_ps(av, b1, c41);
    av = _mm256_broadcast_ss(p5 + off);
    c50 = _mm256_fmadd_ps(av, b0, c50);
    c51 = _mm256_fmadd_ps(av, b1, c51);
  }
  const __m256 out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < kMr; ++r) {
    _mm256_storeu_ps(c + r * ldc, out[r][0]);
    _mm256_storeu_ps(c + r * ldc + 8, out[r][1]);
  }
}

}  // namespace

ConvMicro ConvMicroAvx2() { return {kMr, kNr, FilterGradAvx2, ForwardAvx2, "avx2-6x16"}; }

}  // namespace bw

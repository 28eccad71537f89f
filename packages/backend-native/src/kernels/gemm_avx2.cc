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

// See RowKernel (gemm.h), and RowAvx512 for the plan: each output's k blocks
// are independent chains, so a pass runs V column vectors times P blocks side
// by side (V * P <= 8) and adds the block sums to c in block order, the
// blocked path's order. Only the last vector of a pass is masked.
template <int V>
struct RowTail {
  __m256i mask;
  __m256 Load(int v, const float* p) const { return v < V - 1 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask); }
  void Store(int v, float* p, __m256 x) const {
    if (v < V - 1) {
      _mm256_storeu_ps(p, x);
    } else {
      _mm256_maskstore_ps(p, mask, x);
    }
  }
};

// One pass: P blocks from q0, kc apart, all kc long but the last (`last`, the end of k).
template <int V, int P>
void RowPass(int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb, float* c,
             const RowTail<V>& tail, bool accumulate) {
  __m256 s[P][V];
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p) {
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) s[p][v] = _mm256_setzero_ps();
  }
  auto step = [&](int p, int64_t t) {
    const int64_t q = q0 + p * kc + t;
    const __m256 av = _mm256_broadcast_ss(a + q);
    const float* bq = b + q * ldb;
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) s[p][v] = _mm256_fmadd_ps(av, tail.Load(v, bq + 8 * v), s[p][v]);
  };
  for (int64_t t = 0; t < last; ++t) {
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p) step(p, t);
  }
  for (int64_t t = last; t < kc; ++t) {
#pragma GCC unroll 8
    for (int p = 0; p < P - 1; ++p) step(p, t);
  }
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p) {
    const bool add = accumulate || q0 + p * kc > 0;
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      float* cv = c + 8 * v;
      tail.Store(v, cv, add ? _mm256_add_ps(tail.Load(v, cv), s[p][v]) : s[p][v]);
    }
  }
}

// The last `blocks` (< P) blocks of k in one pass of that many chains.
template <int V, int P>
void RowRest(int64_t blocks, int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb,
             float* c, const RowTail<V>& tail, bool accumulate) {
  if constexpr (P > 0) {
    if (blocks == P) return RowPass<V, P>(q0, kc, last, a, b, ldb, c, tail, accumulate);
    RowRest<V, P - 1>(blocks, q0, kc, last, a, b, ldb, c, tail, accumulate);
  }
}

// V vectors of columns over the whole of k, P = 8 / V blocks per pass.
template <int V>
void RowColumns(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                bool accumulate) {
  constexpr int P = 8 / V;
  const int left = static_cast<int>(n - 8 * (V - 1));
  const RowTail<V> tail{_mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))};
  const int64_t blocks = (k + kc - 1) / kc;
  const int64_t last = k - (blocks - 1) * kc;
  int64_t blk = 0;
  for (; blk + P <= blocks; blk += P) {
    RowPass<V, P>(blk * kc, kc, blk + P == blocks ? last : kc, a, b, ldb, c, tail, accumulate);
  }
  if (blk < blocks) RowRest<V, P - 1>(blocks - blk, blk * kc, kc, last, a, b, ldb, c, tail, accumulate);
}

void RowAvx2(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  using Columns = void (*)(int64_t, int64_t, int64_t, const float*, const float*, int64_t, float*, bool);
  static constexpr Columns kByVectors[8] = {RowColumns<1>, RowColumns<2>, RowColumns<3>, RowColumns<4>,
                                            RowColumns<5>, RowColumns<6>, RowColumns<7>, RowColumns<8>};
  for (int64_t j = 0; j < n; j += 64) {
    const int64_t w = n - j < 64 ? n - j : 64;
    kByVectors[(w + 7) / 8 - 1](w, k, kc, a, b + j, ldb, c + j, accumulate);
  }
}

}  // namespace

GemmKernel GemmKernelAvx2() { return {kMr, kNr, MicroAvx2, "avx2-6x16", IndirectAvx2, RowAvx2}; }

}  // namespace bw

// AVX-512 microkernel, 12 x 32: 24 ZMM accumulators, two B loads and one
// broadcast per k step (27 of 32 registers). Compiled with -mavx512f etc. only here.
#include <immintrin.h>

#include <algorithm>

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

// See RowKernel (gemm.h). Each output's k blocks are independent chains (the
// microkernel starts every block from zero), so a pass runs V column vectors
// times P blocks side by side, to cover the FMA latency with V * P chains: a
// narrow product (10 columns, k = 3136) runs eight blocks at once instead of
// one chain 3136 long, a wide one (up to 128 columns) reads each row of B
// once for all its columns. The blocks' sums are then added to c in block
// order, as the blocked path adds them, so the bits are the same.
//
// One pass: blocks starting at q0, q0 + kc, ... (P of them), all kc long but
// the last, which is `last` long (the end of k).
template <int V, int P>
void RowPass(int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb, float* c,
             __mmask16 tail, bool accumulate) {
  // Only the last vector of the pass is masked.
  auto load = [&](int v, const float* p) { return v < V - 1 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(tail, p); };
  __m512 s[P][V];
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p) {
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) s[p][v] = _mm512_setzero_ps();
  }
  auto step = [&](int p, int64_t t) {
    const int64_t q = q0 + p * kc + t;
    const __m512 av = _mm512_set1_ps(a[q]);
    const float* bq = b + q * ldb;
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) s[p][v] = _mm512_fmadd_ps(av, load(v, bq + 16 * v), s[p][v]);
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
      float* cv = c + 16 * v;
      _mm512_mask_storeu_ps(cv, v < V - 1 ? static_cast<__mmask16>(0xFFFF) : tail,
                            add ? _mm512_add_ps(load(v, cv), s[p][v]) : s[p][v]);
    }
  }
}

// The last `blocks` (< P) blocks of k in one pass of that many chains.
template <int V, int P>
void RowRest(int64_t blocks, int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb,
             float* c, __mmask16 tail, bool accumulate) {
  if constexpr (P > 0) {
    if (blocks == P) return RowPass<V, P>(q0, kc, last, a, b, ldb, c, tail, accumulate);
    RowRest<V, P - 1>(blocks, q0, kc, last, a, b, ldb, c, tail, accumulate);
  }
}

// V vectors of columns over the whole of k. Four chains cover the FMA latency
// at one 512-bit FMA a cycle; narrow passes (V < 4) run 8 / V blocks at once,
// wide ones one block, so B's rows stream in order (several block streams
// through a B larger than L2 measured no faster).
template <int V>
void RowColumns(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                bool accumulate) {
  constexpr int P = V >= 4 ? 1 : 8 / V;
  const int64_t left = n - 16 * (V - 1);
  const __mmask16 tail = left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
  const int64_t blocks = (k + kc - 1) / kc;
  const int64_t last = k - (blocks - 1) * kc;
  int64_t blk = 0;
  for (; blk + P <= blocks; blk += P) {
    RowPass<V, P>(blk * kc, kc, blk + P == blocks ? last : kc, a, b, ldb, c, tail, accumulate);
  }
  if (blk < blocks) RowRest<V, P - 1>(blocks - blk, blk * kc, kc, last, a, b, ldb, c, tail, accumulate);
}

void RowAvx512(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  using Columns = void (*)(int64_t, int64_t, int64_t, const float*, const float*, int64_t, float*, bool);
  static constexpr Columns kByVectors[8] = {RowColumns<1>, RowColumns<2>, RowColumns<3>, RowColumns<4>,
                                            RowColumns<5>, RowColumns<6>, RowColumns<7>, RowColumns<8>};
  for (int64_t j = 0; j < n; j += 128) {
    const int64_t w = std::min<int64_t>(128, n - j);
    kByVectors[(w + 15) / 16 - 1](w, k, kc, a, b + j, ldb, c + j, accumulate);
  }
}

}  // namespace

GemmKernel GemmKernelAvx512() { return {kMr, kNr, MicroAvx512, "avx512-12x32", IndirectAvx512, RowAvx512}; }

}  // namespace bw

// WebAssembly SIMD128 microkernels, MR x 8: two f32x4 accumulators per row,
// two B loads and one broadcast per row per k step. SIMD128 has no fused
// multiply-add (relaxed-simd is not in Node 20), so each step is a multiply
// and an add. The engine (V8 on x86-64) allocates v128 to 15 XMM registers.
// A stored densely (StridedA: matMul, dense layers) takes 5 x 8: ten
// accumulators, two B vectors, a broadcast and a product are 14 registers
// (6 x 8 needs 16 and spills an accumulator every step), and five rows spread
// the loop's fixed cost (the engine's interrupt check, pointer updates,
// branch) over a quarter more multiply-adds. So do the GEMMs of 1x1
// convolutions and of the input gradient, whose A is strided too; the 3x3
// convolutions and the filter gradient from patches keep 4 x 8: their patch
// packers copy runs of MR channels, and 5 divides no usual channel count.
//
// The engine keeps loads in program order but places the arithmetic by its
// own rules (in the order of the loop's accumulators), so the order in which
// the rows' broadcasts are written decides whether each one is used as soon
// as it is loaded or all are loaded first and accumulators spill: the row
// orders below are the ones that gave no spills with Node 20 and clang 19
// (apps/bench/scripts/wasm-gemm-spills.mjs checks). Unrolling k spilled.
// Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/gemm.h"

namespace bw {
namespace {

constexpr int kNr = 8;

inline v128_t MulAdd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }

// One k step of an MR x 8 tile: row r's value of A broadcast (a load, not a
// shuffle: on x86 the engine emits vbroadcastss, which leaves the vector
// pipes to the multiplies and adds) times the two B vectors.
template <int MR>
struct Tile {
  v128_t lo[MR], hi[MR];

  Tile() {
#pragma unroll
    for (int r = 0; r < MR; ++r) lo[r] = hi[r] = wasm_f32x4_splat(0);
  }
  inline void Row(int r, const float* a, v128_t b0, v128_t b1) {
    const v128_t av = wasm_v128_load32_splat(a);
    lo[r] = MulAdd(av, b0, lo[r]);
    hi[r] = MulAdd(av, b1, hi[r]);
    // Keeps the next row's load below these: clang would otherwise hoist the
    // loads of all rows to the top, and the engine would hold every broadcast
    // at once and spill accumulators.
    __asm__ volatile("" ::: "memory");
  }
  void Store(float* c, int64_t ldc, bool accumulate) const {
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      float* row = c + r * ldc;
      v128_t l = lo[r], h = hi[r];
      if (accumulate) {
        l = wasm_f32x4_add(l, wasm_v128_load(row));
        h = wasm_f32x4_add(h, wasm_v128_load(row + 4));
      }
      wasm_v128_store(row, l);
      wasm_v128_store(row + 4, h);
    }
  }
};

// MicroKernel (gemm.h) for MR rows: 4 for convolution patches, 5 for A stored densely.
template <int MR>
void Micro(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  Tile<MR> t;
  // The loop ends on B's end: no counter for the engine to update.
  for (const float* const b_end = b + kc * kNr; b != b_end;) {
    const v128_t b0 = wasm_v128_load(b);
    const v128_t b1 = wasm_v128_load(b + 4);
    // Last row first here, first row first in Indirect (see the top).
#pragma unroll
    for (int r = MR - 1; r >= 0; --r) t.Row(r, a + r, b0, b1);
    a += MR;
    b += kNr;
  }
  t.Store(c, ldc, accumulate);
}

// The 4 x 8 tile fed through row pointers (IndirectMicroKernel in gemm.h).
void Indirect(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c, int64_t ldc) {
  constexpr int kMr = 4;
  Tile<kMr> t;
  for (int64_t tap = 0; tap < taps; ++tap, rows += kMr) {
    const float* p[kMr];
#pragma unroll
    for (int r = 0; r < kMr; ++r) p[r] = rows[r];
    for (int64_t q = 0; q < channels; ++q) {
      const v128_t b0 = wasm_v128_load(b);
      const v128_t b1 = wasm_v128_load(b + 4);
#pragma unroll
      for (int r = 0; r < kMr; ++r) t.Row(r, p[r] + q, b0, b1);
      b += kNr;
    }
  }
  t.Store(c, ldc, false);
}

// See RowKernel (gemm.h), and RowAvx512 for the plan: each output's k blocks
// are independent chains, so a pass runs V four-column vectors times P blocks
// side by side (V * P <= 8) and adds the block sums to c in block order, the
// blocked path's order.
//
// One pass: P blocks from q0, kc apart, all kc long but the last (`last`, the end of k).
template <int V, int P>
void RowPass(int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb, float* c,
             bool accumulate) {
  v128_t s[P][V];
#pragma unroll
  for (int p = 0; p < P; ++p) {
#pragma unroll
    for (int v = 0; v < V; ++v) s[p][v] = wasm_f32x4_splat(0);
  }
  auto step = [&](int p, int64_t t) {
    const int64_t q = q0 + p * kc + t;
    const v128_t av = wasm_v128_load32_splat(a + q);
    const float* bq = b + q * ldb;
#pragma unroll
    for (int v = 0; v < V; ++v) s[p][v] = MulAdd(av, wasm_v128_load(bq + 4 * v), s[p][v]);
  };
  for (int64_t t = 0; t < last; ++t) {
#pragma unroll
    for (int p = 0; p < P; ++p) step(p, t);
  }
  for (int64_t t = last; t < kc; ++t) {
#pragma unroll
    for (int p = 0; p < P - 1; ++p) step(p, t);
  }
#pragma unroll
  for (int p = 0; p < P; ++p) {
    const bool add = accumulate || q0 + p * kc > 0;
#pragma unroll
    for (int v = 0; v < V; ++v) {
      float* cv = c + 4 * v;
      wasm_v128_store(cv, add ? wasm_f32x4_add(wasm_v128_load(cv), s[p][v]) : s[p][v]);
    }
  }
}

// The last `blocks` (< P) blocks of k in one pass of that many chains.
template <int V, int P>
void RowRest(int64_t blocks, int64_t q0, int64_t kc, int64_t last, const float* a, const float* b, int64_t ldb,
             float* c, bool accumulate) {
  if constexpr (P > 0) {
    if (blocks == P) return RowPass<V, P>(q0, kc, last, a, b, ldb, c, accumulate);
    RowRest<V, P - 1>(blocks, q0, kc, last, a, b, ldb, c, accumulate);
  }
}

// V vectors (4 V columns) over the whole of k, P = 8 / V blocks per pass.
template <int V>
void RowColumns(int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  constexpr int P = 8 / V;
  const int64_t blocks = (k + kc - 1) / kc;
  const int64_t last = k - (blocks - 1) * kc;
  int64_t blk = 0;
  for (; blk + P <= blocks; blk += P) {
    RowPass<V, P>(blk * kc, kc, blk + P == blocks ? last : kc, a, b, ldb, c, accumulate);
  }
  if (blk < blocks) RowRest<V, P - 1>(blocks - blk, blk * kc, kc, last, a, b, ldb, c, accumulate);
}

// Columns past the last full four go through RowScalar, whose arithmetic per
// column (a multiply, then an add) is the same.
void RowWasm(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  using Columns = void (*)(int64_t, int64_t, const float*, const float*, int64_t, float*, bool);
  static constexpr Columns kByVectors[8] = {RowColumns<1>, RowColumns<2>, RowColumns<3>, RowColumns<4>,
                                            RowColumns<5>, RowColumns<6>, RowColumns<7>, RowColumns<8>};
  const int64_t full = n / 4 * 4;
  for (int64_t j = 0; j < full; j += 32) {
    const int64_t w = full - j < 32 ? full - j : 32;
    kByVectors[w / 4 - 1](k, kc, a, b + j, ldb, c + j, accumulate);
  }
  if (full < n) RowScalar(n - full, k, kc, a, b + full, ldb, c + full, accumulate);
}

}  // namespace

GemmKernel GemmKernelWasm() {
  GemmKernel k{4, kNr, Micro<4>, "wasm-simd128-4x8+5x8", Indirect, RowWasm};
  k.strided_micro = Micro<5>;
  k.strided_mr = 5;
  return k;
}

}  // namespace bw

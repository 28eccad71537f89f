// WebAssembly SIMD128 microkernel, 4 x 8: eight f32x4 accumulators, two B
// loads and one broadcast per row per k step. SIMD128 has no fused
// multiply-add (relaxed-simd is not in Node 20), so each step is a multiply
// and an add; the engine maps v128 onto 16 XMM registers on x86-64, and a
// taller tile (6 x 8) leaves too few for the products and spills.
// Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/gemm.h"

namespace bw {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

inline v128_t MulAdd(v128_t a, v128_t b, v128_t c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }

void MicroWasm(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int64_t p = 0; p < kc; ++p) {
    const v128_t b0 = wasm_v128_load(b);
    const v128_t b1 = wasm_v128_load(b + 4);
    v128_t av = wasm_v128_load32_splat(a);
    c00 = MulAdd(av, b0, c00);
    c01 = MulAdd(av, b1, c01);
    av = wasm_v128_load32_splat(a + 1);
    c10 = MulAdd(av, b0, c10);
    c11 = MulAdd(av, b1, c11);
    av = wasm_v128_load32_splat(a + 2);
    c20 = MulAdd(av, b0, c20);
    c21 = MulAdd(av, b1, c21);
    av = wasm_v128_load32_splat(a + 3);
    c30 = MulAdd(av, b0, c30);
    c31 = MulAdd(av, b1, c31);
    a += kMr;
    b += kNr;
  }
  const v128_t rows[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    v128_t lo = rows[r][0], hi = rows[r][1];
    if (accumulate) {
      lo = wasm_f32x4_add(lo, wasm_v128_load(row));
      hi = wasm_f32x4_add(hi, wasm_v128_load(row + 4));
    }
    wasm_v128_store(row, lo);
    wasm_v128_store(row + 4, hi);
  }
}

// The same tile fed through row pointers (IndirectMicroKernel in gemm.h).
void IndirectWasm(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c, int64_t ldc) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int64_t t = 0; t < taps; ++t, rows += kMr) {
    const float *p0 = rows[0], *p1 = rows[1], *p2 = rows[2], *p3 = rows[3];
    for (int64_t q = 0; q < channels; ++q) {
      const v128_t b0 = wasm_v128_load(b);
      const v128_t b1 = wasm_v128_load(b + 4);
      v128_t av = wasm_v128_load32_splat(p0 + q);
      c00 = MulAdd(av, b0, c00);
      c01 = MulAdd(av, b1, c01);
      av = wasm_v128_load32_splat(p1 + q);
      c10 = MulAdd(av, b0, c10);
      c11 = MulAdd(av, b1, c11);
      av = wasm_v128_load32_splat(p2 + q);
      c20 = MulAdd(av, b0, c20);
      c21 = MulAdd(av, b1, c21);
      av = wasm_v128_load32_splat(p3 + q);
      c30 = MulAdd(av, b0, c30);
      c31 = MulAdd(av, b1, c31);
      b += kNr;
    }
  }
  const v128_t out[kMr][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  for (int r = 0; r < kMr; ++r) {
    wasm_v128_store(c + r * ldc, out[r][0]);
    wasm_v128_store(c + r * ldc + 4, out[r][1]);
  }
}

// See RowKernel (gemm.h): 16 columns at a time in four independent chains,
// each block of kc steps from zero, then added to c. Columns past the last
// full 16 go through RowScalar, whose arithmetic per column is the same.
void RowWasm(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  const int64_t full = n / 16 * 16;
  for (int64_t j = 0; j < full; j += 16) {
    for (int64_t q0 = 0; q0 < k; q0 += kc) {
      v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      const int64_t q1 = q0 + kc < k ? q0 + kc : k;
      for (int64_t q = q0; q < q1; ++q) {
        const v128_t av = wasm_v128_load32_splat(a + q);
        const float* bq = b + q * ldb + j;
        s0 = MulAdd(av, wasm_v128_load(bq), s0);
        s1 = MulAdd(av, wasm_v128_load(bq + 4), s1);
        s2 = MulAdd(av, wasm_v128_load(bq + 8), s2);
        s3 = MulAdd(av, wasm_v128_load(bq + 12), s3);
      }
      const bool add = accumulate || q0 > 0;
      const v128_t sums[4] = {s0, s1, s2, s3};
      for (int v = 0; v < 4; ++v) {
        float* cv = c + j + 4 * v;
        wasm_v128_store(cv, add ? wasm_f32x4_add(wasm_v128_load(cv), sums[v]) : sums[v]);
      }
    }
  }
  if (full < n) RowScalar(n - full, k, kc, a, b + full, ldb, c + full, accumulate);
}

}  // namespace

GemmKernel GemmKernelWasm() { return {kMr, kNr, MicroWasm, "wasm-simd128-4x8", IndirectWasm, RowWasm}; }

}  // namespace bw

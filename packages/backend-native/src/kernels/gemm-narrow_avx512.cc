// AVX-512 kernel for products with at most 16 columns and many rows (a dense
// layer with 10 outputs: its forward and its weight gradient). The 12 x 32
// microkernel would multiply 22 columns of zeros per tile and A would be
// packed for a tile that uses a third of it; here one masked vector holds a
// row's columns, eight rows share each load of B, and A is broadcast where it
// lies. Each element is the sum the microkernels compute (see NarrowKernel).
#include <immintrin.h>

#include <algorithm>

#include "kernels/gemm.h"

namespace bw {
namespace {

// R rows (R <= 8) from row 0 of a: R accumulator chains, which cover the FMA
// latency at R = 8 (sixteen rows measured no faster: their row offsets no
// longer fit the general registers).
template <int R>
void NarrowRows(int64_t n, int64_t k, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs, const float* b,
                int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1u);
  for (int64_t q0 = 0; q0 < k; q0 += kc) {
    const int64_t q1 = std::min(k, q0 + kc);
    __m512 acc[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();
    const float* aq = a + q0 * a_cs;
    for (int64_t q = q0; q < q1; ++q, aq += a_cs) {
      const __m512 bq = _mm512_maskz_loadu_ps(mask, b + q * ldb);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(aq[r * a_rs]), bq, acc[r]);
    }
    const bool add = accumulate || q0 > 0;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      float* cr = c + r * ldc;
      _mm512_mask_storeu_ps(cr, mask, add ? _mm512_add_ps(_mm512_maskz_loadu_ps(mask, cr), acc[r]) : acc[r]);
    }
  }
}

void NarrowAvx512(int64_t rows, int64_t n, int64_t k, int64_t kc, const float* a, int64_t a_rs, int64_t a_cs,
                  const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  using Rows = void (*)(int64_t, int64_t, int64_t, const float*, int64_t, int64_t, const float*, int64_t, float*,
                        int64_t, bool);
  static constexpr Rows kByRows[8] = {NarrowRows<1>, NarrowRows<2>, NarrowRows<3>, NarrowRows<4>,
                                      NarrowRows<5>, NarrowRows<6>, NarrowRows<7>, NarrowRows<8>};
  for (int64_t i = 0; i < rows; i += 8) {
    const int64_t h = std::min<int64_t>(8, rows - i);
    kByRows[h - 1](n, k, kc, a + i * a_rs, a_rs, a_cs, b, ldb, c + i * ldc, ldc, accumulate);
  }
}

}  // namespace

NarrowKernel GemmNarrowAvx512() { return NarrowAvx512; }

}  // namespace bw

// Packed, register-blocked GEMM: C (m x n, row stride ldc) = A (m x k) * B (k x n).
//
// Goto/BLIS structure: B is packed into k-by-NR slivers and A into MR-by-k
// slivers, then a microkernel keeps an MR x NR tile of C in registers. A is
// read through a packer so that convolutions can feed image patches straight
// into the packed buffer (implicit im2col) without materialising a matrix.
#pragma once

#include <cstdint>

namespace bw {

// Writes rows [i0, i0+mc) x columns [k0, k0+kc) of A as MR-row slivers: for
// each sliver, for each k, `mr` consecutive values (rows past mc are zeros).
class APacker {
 public:
  virtual ~APacker() = default;
  virtual void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const = 0;
  // Row i's k values when they lie contiguous in memory, else null (then the row kernel packs them).
  virtual const float* Row(int64_t /*i*/) const { return nullptr; }
  // True, with the layout, when A is stored densely (StridedA), for kernels that read it in place.
  virtual bool Dense(const float** /*a*/, int64_t* /*row_stride*/, int64_t* /*col_stride*/) const { return false; }
};

// A stored densely: element (i, k) at a[i * row_stride + k * col_stride].
class StridedA final : public APacker {
 public:
  StridedA(const float* a, int64_t row_stride, int64_t col_stride) : a_(a), rs_(row_stride), cs_(col_stride) {}
  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override;
  const float* Row(int64_t i) const override { return cs_ == 1 ? a_ + i * rs_ : nullptr; }
  bool Dense(const float** a, int64_t* row_stride, int64_t* col_stride) const override {
    *a = a_;
    *row_stride = rs_;
    *col_stride = cs_;
    return true;
  }

 private:
  const float* a_;
  int64_t rs_, cs_;
};

struct GemmProblem {
  int64_t m = 0, n = 0, k = 0;
  const APacker* a = nullptr;
  // B element (k, j) at b[k * b_row_stride + j * b_col_stride].
  const float* b = nullptr;
  int64_t b_row_stride = 0, b_col_stride = 1;
  float* c = nullptr;
  int64_t ldc = 0;
  // C += A*B instead of C = A*B.
  bool accumulate = false;
  // When > 0, k is cut into chunks of this many steps, each chunk's product is
  // computed on its own (in parallel) and the chunks are added in order. The
  // caller picks the chunk from the problem size, so results stay independent
  // of the thread count; it lets a long reduction (conv filter gradients) use
  // every thread when m and n are small.
  int64_t k_chunk = 0;
};

void Gemm(const GemmProblem& p);

// Microkernel: C[0..MR) x [0..NR) (row stride ldc) (+)= sum over kc of packed a x packed b.
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);

// Indirect microkernel (convolutions): C[0..MR) x [0..NR) = sum over taps t and
// channels q of rows[t * MR + r][q] * b[(t * channels + q) * NR + j]. Each row
// pointer addresses `channels` contiguous floats (one tap of one output pixel)
// or a zero run, so image patches are read in place, never packed.
using IndirectMicroKernel = void (*)(int64_t taps, int64_t channels, const float* const* rows, const float* b, float* c,
                                     int64_t ldc);

// One row of A against B, for products with a few rows (a batch of one), where
// the MR-row tile would be mostly padding and packing B cost more than the
// multiplies: c[j] (+)= sum over q < k of a[q] * b[q * ldb + j] for j < n. The
// sum runs exactly as the microkernels' (k in blocks of kc: each block one
// multiply-add chain from zero in order, blocks added to c in order), so a
// row's bits do not depend on how many rows the product has (predict in
// batches of 8 or 20 gives the same outputs).
using RowKernel = void (*)(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                           bool accumulate);

// Products with at most kGemmNarrowMaxCols columns and A stored densely
// (element (i, q) at a[i * a_rs + q * a_cs]), B read in place: c[i * ldc + j]
// (+)= sum over q < k of a(i, q) * b[q * ldb + j] for i < rows, j < n. Each
// element is the microkernels' sum (k in blocks of kc, each block one
// multiply-add chain from zero in order, blocks added to c in order), so the
// bits equal the blocked path's.
using NarrowKernel = void (*)(int64_t rows, int64_t n, int64_t k, int64_t kc, const float* a, int64_t a_rs,
                              int64_t a_cs, const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate);
constexpr int64_t kGemmNarrowMaxCols = 16;

struct GemmKernel {
  int mr;
  int nr;
  MicroKernel micro;
  const char* name;
  // Null where the ISA has none; convolutions then pack patches for `micro`.
  IndirectMicroKernel indirect = nullptr;
  RowKernel row = nullptr;
  // Null where the ISA has none (set in kernel-table.cc); narrow products then take the blocked path.
  NarrowKernel narrow = nullptr;
  // A taller tile for A read through StridedA, or null (then `micro` serves every A).
  MicroKernel strided_micro = nullptr;
  int strided_mr = 0;
};

// The scalar row kernel (gemm.cc), for every ISA's table.
void RowScalar(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate);

// Largest MR x NR tile of any microkernel (AVX-512: 12 x 32), for edge tiles computed aside.
constexpr int kGemmMaxTile = 12 * 32;

GemmKernel GemmKernelScalar();
GemmKernel GemmKernelAvx2();
GemmKernel GemmKernelAvx512();
NarrowKernel GemmNarrowAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
GemmKernel GemmKernelWasm();

}  // namespace bw

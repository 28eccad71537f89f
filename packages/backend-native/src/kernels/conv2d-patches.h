// The patch matrices of a convolution (im2col), read straight into the
// GEMM's packed A panels, and their inverse (col2im), which adds patch
// gradients back onto the image.
#pragma once

#include <cstdint>

#include "kernels/conv2d.h"
#include "kernels/gemm.h"

namespace bw {

// Row i of the patch matrix is output pixel (n, oh, ow); column k is (kh, kw, c).
class PatchRows final : public APacker {
 public:
  PatchRows(const ConvGeom& g, const float* x) : g_(g), x_(x) {}

  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override;

 private:
  const ConvGeom& g_;
  const float* x_;
};

// The transposed patch matrix: row i is (kh, kw, c), column k is output pixel
// (n, oh, ow). The filter gradient's A where the ISA has no filter-gradient
// microkernel (ConvMicro::filter_grad null: WebAssembly SIMD128).
class PatchColumns final : public APacker {
 public:
  PatchColumns(const ConvGeom& g, const float* x) : g_(g), x_(x) {}

  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override;

 private:
  const ConvGeom& g_;
  const float* x_;
};

// Adds the patch-gradient rows of `images` images back onto dx. Each dx
// element sums its (kh, kw) contributions in a fixed order: a gather, not a
// scatter, so rows can run on any thread without changing the bits.
void Col2Im(const ConvGeom& g, const float* dcol, int64_t n0, int64_t images, float* dx);

}  // namespace bw

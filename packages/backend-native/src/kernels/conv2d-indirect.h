// Forward convolution as an indirect GEMM: no patch is ever packed.
#pragma once

#include <vector>

#include "kernels/conv2d.h"
#include "kernels/conv2d-rows.h"
#include "kernels/gemm.h"

namespace bw {

// The indirect forward prepared once: the filter packed into NR slivers.
class IndirectRows final : public ConvRows {
 public:
  IndirectRows(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f);
  void Rows(int64_t i0, int64_t rows, float* dst) const override;

 private:
  ConvGeom g_;
  GemmKernel kern_;
  const float* x_;
  std::vector<float> zeros_;
  std::vector<int64_t> tap_offset_;
  std::vector<float> packed_;
};

// y = conv(x, f) through kern.indirect, which must not be null.
void Conv2dForwardIndirect(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y);

}  // namespace bw

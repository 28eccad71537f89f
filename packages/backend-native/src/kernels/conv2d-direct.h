// Convolutions whose microkernels read the image in place from a zero-padded
// copy (conv2d-micro.h): no patch matrix is packed, and every window is
// inside the copy, so the microkernels never test for padding.
#pragma once

#include <vector>

#include "kernels/conv2d.h"
#include "kernels/conv2d-micro.h"
#include "kernels/conv2d-rows.h"

namespace bw {

// The direct forward prepared once: x padded, the filter packed into NR slivers.
class DirectRows final : public ConvRows {
 public:
  DirectRows(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f);
  void Rows(int64_t i0, int64_t rows, float* dst) const override;

 private:
  ConvGeom g_;
  ConvMicro micro_;
  std::vector<float> padded_;
  const float* xp_;
  int64_t xp_h_, xp_w_;
  std::vector<int64_t> offset_;
  std::vector<float> packed_;
};

// y = conv(x, f) with micro.forward: for few input channels, where the
// indirect kernel's per-tap pointers cost more than the multiply-adds.
void Conv2dForwardDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f, float* y);

// df [k_h, k_w, in_c, out_c] = sum over output pixels of window(x) (outer) dy.
void Conv2dBackpropFilterDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* dy, float* df);

}  // namespace bw

// Convolutions whose microkernels read the image in place from a zero-padded
// copy (conv2d-micro.h): no patch matrix is packed, and every window is
// inside the copy, so the microkernels never test for padding.
#pragma once

#include <memory>
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
  // Pooled rows [ph0, ph1) of image n (pooled_w pixels each, from y on) of a
  // 2x2 stride-2 max pool without padding whose windows all lie in the conv
  // output, on relu(batch norm(conv)): straight from the microkernel's
  // registers (micro.forward_pool, not null; MR a multiple of 4), coeffs one
  // per NR sliver of output channels.
  void PooledRows(int64_t n, int64_t ph0, int64_t ph1, int64_t pooled_w, const ConvPoolCoeffs* coeffs, float* y) const;

 private:
  ConvGeom g_;
  ConvMicro micro_;
  std::unique_ptr<float[]> padded_;
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

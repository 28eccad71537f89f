// Convolutions whose microkernels read the image in place from a zero-padded
// copy (conv2d-micro.h): no patch matrix is packed, and every window is
// inside the copy, so the microkernels never test for padding.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/conv2d.h"
#include "kernels/conv2d-micro.h"
#include "kernels/conv2d-rows.h"

namespace bw {

// Memory a DirectRows can borrow instead of allocating its own: a caller that
// runs one DirectRows at a time on a thread keeps one of these per thread, so
// a small call (a batch-1 first layer) allocates nothing.
struct DirectRowsStorage {
  // Uninitialized (PadImage writes every element): a zero fill first would be
  // a second pass over the padded batch.
  std::unique_ptr<float[]> padded;
  int64_t padded_floats = 0;
  std::vector<float> packed;
  std::vector<int64_t> offset;
};

// The direct forward prepared once: x padded, the filter packed into NR slivers.
class DirectRows final : public ConvRows {
 public:
  // storage: where the padded image, packed filter and offsets go (its
  // previous contents are overwritten); null: the object's own.
  DirectRows(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f,
             DirectRowsStorage* storage = nullptr);
  // It points into its storage: never copied.
  DirectRows(const DirectRows&) = delete;
  DirectRows& operator=(const DirectRows&) = delete;
  void Rows(int64_t i0, int64_t rows, float* dst) const override;
  // Pooled pixels [q0, q1) (flat over batch, pooled_h, pooled_w; y at q0) of a
  // 2x2 stride-2 max pool without padding whose windows all lie in the conv
  // output, on relu(batch norm(conv)): straight from the microkernel's
  // registers (micro.forward_pool, not null; MR a multiple of 4), coeffs one
  // per NR sliver of output channels. Each pooled pixel is computed alone, so
  // the bits do not depend on the range.
  void PooledRows(int64_t q0, int64_t q1, int64_t pooled_h, int64_t pooled_w, const ConvPoolCoeffs* coeffs,
                  float* y) const;

 private:
  ConvGeom g_;
  ConvMicro micro_;
  DirectRowsStorage own_;
  const float* xp_;
  int64_t xp_h_, xp_w_;
  const int64_t* offset_;
  const float* packed_;
};

// y = conv(x, f) with micro.forward: for few input channels, where the
// indirect kernel's per-tap pointers cost more than the multiply-adds.
void Conv2dForwardDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f, float* y);

// df [k_h, k_w, in_c, out_c] = sum over output pixels of window(x) (outer) dy.
void Conv2dBackpropFilterDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* dy, float* df);

}  // namespace bw

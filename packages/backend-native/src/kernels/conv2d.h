// NHWC convolution with HWIO filters, forward and both gradients, as GEMMs.
#pragma once

#include <cstdint>

namespace bw {

// Same fields and order as core's Conv2DGeometry (what the TS wrapper passes).
struct ConvGeom {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int64_t k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  int64_t pad_top, pad_left, pad_bottom, pad_right;
};

// TensorFlow's output size and padding along one axis (SAME_UPPER for 'same'),
// the formula of core's windowAxis. Returns false when the window does not fit.
bool WindowAxis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, bool same, int64_t* out,
                int64_t* pad_before, int64_t* pad_after);

// y [batch, out_h, out_w, out_c] = conv(x [batch, in_h, in_w, in_c], f [k_h, k_w, in_c, out_c]).
void Conv2dForward(const ConvGeom& g, const float* x, const float* f, float* y);
// dx [batch, in_h, in_w, in_c] from dy [batch, out_h, out_w, out_c].
void Conv2dBackpropInput(const ConvGeom& g, const float* dy, const float* f, float* dx);
// df [k_h, k_w, in_c, out_c] from x and dy.
void Conv2dBackpropFilter(const ConvGeom& g, const float* x, const float* dy, float* df);

}  // namespace bw

// The convolution/pooling window checks shared by the conv and pool entries.
#pragma once

#include "entry/args.h"
#include "kernels/conv2d.h"

namespace bw {

// Checks shapes and options of a conv/pool call, recomputes the geometry as
// core's conv2dGeometry does and requires the one passed at geometry_index to
// match. dilations_index < 0: dilation 1 (pooling).
ConvGeom CheckWindow(const Args& args, const Dims& input, int64_t k_h, int64_t k_w, int64_t out_c, int strides_index,
                     int padding_index, int dilations_index, int geometry_index);

}  // namespace bw

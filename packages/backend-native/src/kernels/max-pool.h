// NHWC max pooling with the argmax that its backward needs.
#pragma once

#include <cstdint>

#include "kernels/conv2d.h"

namespace bw {

// g uses the conv geometry with out_c == in_c, dilation 1. argmax holds flat indices into x.
void MaxPool(const ConvGeom& g, const float* x, float* y, int32_t* argmax);

// dx = 0, then dx[argmax[i]] += dy[i] in order of i (so ties between windows add up deterministically).
// dy and dx hold `batch` images each; images run in parallel when every index stays in its image.
void MaxPoolBackward(int64_t batch, int64_t count, const float* dy, const int32_t* argmax, int64_t dx_length, float* dx);

}  // namespace bw

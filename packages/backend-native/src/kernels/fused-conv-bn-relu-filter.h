// The backward of conv2d -> batch norm -> ReLU -> max pool when the conv's input
// needs no gradient (core's conv2dBatchNormReluBackwardFilter): the filter's
// gradient and batch norm's dgamma and dbeta, without the conv output's
// gradient ever going to memory.
#pragma once

#include <cstdint>

#include "kernels/conv2d.h"

namespace bw {

// With dz = batch norm + ReLU + pool's backward at the conv output z = conv(input, filter),
// dfilter[tap][c] = sum over positions p of u_p[tap] * dz[p][c] (u_p the input patch at p),
// and dz = k1 * g + k2 * (z - mean) + k3 (g: dy routed to its window's winner where y > 0),
// so dfilter = k1 * sum(u g) + k2 * (gram . filter - mean * sum(u)) + k3 * sum(u): sums
// over the pooled tensors and the conv's input alone, never over z or dz. The case of few
// taps (k_h * k_w * in_c, such as a first layer on images) and non-overlapping pool windows
// each argmax names a position of (as the forward leaves them); returns false, having
// written nothing, when the case does not hold. argmax is only compared, never followed.
bool Conv2dBatchNormReluPoolBackwardFilter(const ConvGeom& conv, const float* input, const float* filter,
                                           const ConvGeom& pool, const float* dy, const float* y,
                                           const int32_t* argmax, const float* gamma, const float* mean,
                                           const float* inv_std, float* dfilter, float* dgamma, float* dbeta);

// The same gradients, for any case, by the chain as written: batch norm + ReLU (+ pool)'s backward
// into dz (the conv output's gradient), then the filter's gradient from dz. pool null: no pool;
// with a pool every argmax index must be inside z (the binding checks it: this path follows them).
// dz lives in the calling thread's reusable buffer, as the filter gradient's row copies do, not in
// a block the caller passes: the common pooled case above needs none, so every call would carry a
// conv-output-sized block for nothing.
void Conv2dBatchNormReluBackwardFilterChained(const ConvGeom& conv, const float* input, const ConvGeom* pool,
                                              const float* dy, const float* z, const float* y, const int32_t* argmax,
                                              const float* gamma, const float* mean, const float* inv_std,
                                              float* dfilter, float* dgamma, float* dbeta);

}  // namespace bw

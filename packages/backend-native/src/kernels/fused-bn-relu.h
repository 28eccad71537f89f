// Batch norm with batch statistics, ReLU and an optional max pool in one
// kernel, and its backward (core's batchNormReluTraining / batchNormReluBackward).
// x is NHWC viewed as [rows, channels]; pool (or null) is the max pool's
// geometry on x's shape, with out_c == in_c.
#pragma once

#include <cstdint>

#include "kernels/bn-relu-rows.h"
#include "kernels/conv2d.h"

namespace bw {

// The statistics of BatchNormTraining (same bits), y = relu(normalize(x)) or its
// max pool with argmax (same bits as relu and MaxPool on that output).
void BatchNormReluTraining(int64_t rows, int64_t channels, const float* x, const float* gamma, const float* beta,
                           double epsilon, const ConvGeom* pool, float* y, int32_t* argmax, float* mean,
                           float* variance, float* inv_std);

// The second half of BatchNormReluTraining: y = relu(normalize(x)) (or its max
// pool with argmax) with the normalizing coefficients given.
void BatchNormReluApply(int64_t rows, int64_t channels, const float* x, const BnAffine& a, const ConvGeom* pool, float* y,
                        int32_t* argmax);

// dx, dgamma, dbeta of that chain from dy (y's shape), the forward's y and
// argmax; every argmax index must already be checked to lie in [0, rows * channels).
void BatchNormReluBackward(int64_t rows, int64_t channels, const float* dy, const float* x, const float* gamma,
                           const float* mean, const float* inv_std, const float* y, const int32_t* argmax,
                           const ConvGeom* pool, float* dx, float* dgamma, float* dbeta);

// BatchNormReluBackward's common pooled case, in two passes: windows that do
// not overlap, each argmax inside its own pooled element's window (as the
// forward leaves it). argmax is only compared with window positions, never
// followed, so any index is safe here; returns false, having written nothing,
// when the case does not hold (then BatchNormReluBackward's general path,
// which needs every index checked first, gives the result).
bool BatchNormReluPoolBackwardInWindows(int64_t rows, int64_t channels, const float* dy, const float* x,
                                        const float* gamma, const float* mean, const float* inv_std, const float* y,
                                        const int32_t* argmax, const ConvGeom& pool, float* dx, float* dgamma,
                                        float* dbeta);

}  // namespace bw

// Inference of conv2d -> batch norm (given statistics) -> ReLU (-> max pool)
// in one kernel (core's conv2dBatchNormRelu): each task computes a few rows of
// the convolution into cache and normalizes, rectifies and pools them there,
// so the full-size conv output never goes to memory.
#pragma once

#include "kernels/conv2d.h"

namespace bw {

// pool (or null) is the max pool's geometry on the conv output. Same bits as
// Conv2dForward, BatchNormInference, relu and MaxPool one after the other,
// but on Winograd with a 2x2 stride-2 pool (F(4x4) tiles, conv2d-winograd.h):
// there within the conformance tolerance of them for finite inputs. An
// infinity (or a value near float's limit, grown 49x by the transforms) in an
// F(4x4) tile's 6x6 input window makes all four of its pooled pixels NaN,
// where the chain's F(2x2) tiles spread it over fewer of them.
void Conv2dBatchNormRelu(const ConvGeom& g, const float* x, const float* f, const float* mean, const float* variance,
                         const float* gamma, const float* beta, double epsilon, const ConvGeom* pool, float* y);

// Training: z = Conv2dForward(x, f), then BatchNormReluTraining on z (same
// bits as the two one after the other), its batch statistics gathered per
// chunk of rows right after the convolution wrote them, while still in cache.
void Conv2dBatchNormReluTraining(const ConvGeom& g, const float* x, const float* f, const float* gamma,
                                 const float* beta, double epsilon, const ConvGeom* pool, float* z, float* y,
                                 int32_t* argmax, float* mean, float* variance, float* inv_std);

}  // namespace bw

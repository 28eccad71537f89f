// Batch normalisation over every axis but the last (features-last, NHWC):
// x is viewed as [rows, channels].
#pragma once

#include <cstdint>

namespace bw {

// Per-channel biased batch mean and variance (float64), then y = gamma*(x-mean)*invStd + beta.
void BatchNormTraining(int64_t rows, int64_t channels, const float* x, const float* gamma, const float* beta,
                       double epsilon, float* y, float* mean, float* variance, float* inv_std);

// y = (x - mean) * scale + beta with scale = gamma/sqrt(var+eps) folded per channel.
void BatchNormInference(int64_t rows, int64_t channels, const float* x, const float* mean, const float* variance,
                        const float* gamma, const float* beta, double epsilon, float* y);

// dbeta = sum dy, dgamma = sum dy*xhat (first pass), then dx (second pass).
void BatchNormBackward(int64_t rows, int64_t channels, const float* dy, const float* x, const float* gamma,
                       const float* mean, const float* inv_std, float* dx, float* dgamma, float* dbeta);

}  // namespace bw

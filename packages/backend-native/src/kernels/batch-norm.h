// Batch normalisation over every axis but the last (features-last, NHWC):
// x is viewed as [rows, channels].
#pragma once

#include <cstdint>

namespace bw {

// Rows per chunk of the statistics: about 64 KiB, fixed by the channel count alone.
int64_t BatchNormRowsPerChunk(int64_t channels);

// The statistics of BatchNormTraining and the coefficients of its normalizing
// pass, y = ((x - mean) - mean_lo) * scale + beta (mean_lo: the float64 mean's
// low part), for kernels that fuse what follows with that pass.
void BatchNormStatistics(int64_t rows, int64_t channels, const float* x, const float* gamma, double epsilon,
                         float* mean, float* variance, float* inv_std, float* mean_lo, float* scale);

// The merge step of BatchNormStatistics, for kernels that gather the per-chunk
// statistics themselves (chunks of BatchNormRowsPerChunk rows, in order, each
// [mean (channels), M2 (channels)] as BatchNormRows::stats writes them).
void BatchNormMergeStatistics(int64_t rows, int64_t channels, const double* stats, const float* gamma, double epsilon,
                              float* mean, float* variance, float* inv_std, float* mean_lo, float* scale);

// dgamma, dbeta and dx = k1 * dy + k2 * (x - mean) + k3 from per-chunk sums
// ([chunk][sum dy (channels), sum dy*(x - mean) (channels)], added in chunk order).
void BatchNormBackwardCoefficients(int64_t rows, int64_t channels, int64_t chunks, const double* sums,
                                   const float* gamma, const float* inv_std, float* dgamma, float* dbeta, float* k1,
                                   float* k2, float* k3);

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

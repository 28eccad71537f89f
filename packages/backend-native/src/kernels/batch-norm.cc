// Statistics are gathered per chunk of rows, chunk size fixed by the channel
// count alone, and chunks are merged in chunk order, so the bits do not depend
// on the number of threads. Within a chunk (about 64 KiB, still in cache) the
// variance is computed in two passes around the chunk mean; chunks are merged
// with Chan et al.'s formula (1979), in its parallel-axis form. All float64:
// no E[x^2]-E[x]^2.
#include "kernels/batch-norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

int64_t RowsPerChunk(int64_t channels) { return BatchNormRowsPerChunk(channels); }

// y = (x - center) * scale + shift per channel, in parallel over row ranges.
// Subtracting the mean first keeps data offset far from zero exact (x - mean
// is exact for nearby floats); folding it into shift (x*scale + (beta -
// mean*scale)) would cancel away the low digits of an offset of 1e4.
// The center comes as a float pair (hi + lo = the float64 mean) so that
// (x - hi) - lo keeps the mean's low bits without float64 arithmetic per element.
void ScaleShift(int64_t rows, int64_t channels, const float* x, const float* center, const float* center_lo,
                const float* scale, const float* shift, float* y) {
  const BatchNormRows& k = Kernels().batch_norm_rows;
  // Last rows first: the statistics pass just read them (see ParallelRanges).
  ParallelRanges(
      rows, RowsPerChunk(channels),
      [&](int64_t r0, int64_t r1) {
        k.scale_shift(x + r0 * channels, r1 - r0, channels, center, center_lo, scale, shift, y + r0 * channels);
      },
      /*last_first=*/true);
}

}  // namespace

int64_t BatchNormRowsPerChunk(int64_t channels) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, channels)); }

void BatchNormMergeStatistics(int64_t rows, int64_t channels, const double* stats, const float* gamma, double epsilon,
                              float* mean, float* variance, float* inv_std, float* mean_lo, float* scale) {
  const int64_t per = RowsPerChunk(channels);
  const int64_t chunks = (rows + per - 1) / per;
  // Merge, two passes over the chunk results with channels innermost (no
  // division per chunk, so it vectorises): the mean of the chunk means weighted by their counts, then the
  // chunks' M2 plus each chunk's count times its mean's squared distance from
  // that mean (the parallel-axis form of Chan et al.; float64 throughout).
  std::vector<double> mu(static_cast<size_t>(channels), 0.0), m2(static_cast<size_t>(channels), 0.0);
  const double total = static_cast<double>(rows);
  for (int64_t q = 0; q < chunks; ++q) {
    const double nb = static_cast<double>(std::min(rows, (q + 1) * per) - q * per);
    const double* mb = stats + q * channels * 2;
    for (int64_t c = 0; c < channels; ++c) mu[c] += nb * mb[c];
  }
  for (int64_t c = 0; c < channels; ++c) mu[c] /= total;
  for (int64_t q = 0; q < chunks; ++q) {
    const double nb = static_cast<double>(std::min(rows, (q + 1) * per) - q * per);
    const double* mb = stats + q * channels * 2;
    const double* m2b = mb + channels;
    for (int64_t c = 0; c < channels; ++c) {
      const double d = mb[c] - mu[c];
      m2[c] += m2b[c] + nb * (d * d);
    }
  }
  for (int64_t c = 0; c < channels; ++c) {
    const double n = total;
    const double var = m2[c] / n;  // biased, as Keras and TF.js
    const double is = 1.0 / std::sqrt(var + epsilon);
    mean[c] = static_cast<float>(mu[c]);
    mean_lo[c] = static_cast<float>(mu[c] - static_cast<double>(mean[c]));
    variance[c] = static_cast<float>(var);
    inv_std[c] = static_cast<float>(is);
    const double s = static_cast<double>(gamma[c]) * is;
    scale[c] = static_cast<float>(s);
  }
}

void BatchNormStatistics(int64_t rows, int64_t channels, const float* x, const float* gamma, double epsilon,
                         float* mean, float* variance, float* inv_std, float* mean_lo, float* scale) {
  const int64_t per = RowsPerChunk(channels);
  const int64_t chunks = (rows + per - 1) / per;
  // Per chunk: mean then M2 (sum of squared deviations from the chunk mean).
  std::vector<double> stats(static_cast<size_t>(chunks * channels * 2));
  const BatchNormRows& k = Kernels().batch_norm_rows;
  ParallelTasks(chunks, [&](int64_t q) {
    const int64_t r0 = q * per, r1 = std::min(rows, r0 + per);
    double* mu = stats.data() + q * channels * 2;
    k.stats(x + r0 * channels, r1 - r0, channels, mu, mu + channels);
  });
  BatchNormMergeStatistics(rows, channels, stats.data(), gamma, epsilon, mean, variance, inv_std, mean_lo, scale);
}

void BatchNormTraining(int64_t rows, int64_t channels, const float* x, const float* gamma, const float* beta,
                       double epsilon, float* y, float* mean, float* variance, float* inv_std) {
  std::vector<float> scale(channels), mean_lo(channels);
  BatchNormStatistics(rows, channels, x, gamma, epsilon, mean, variance, inv_std, mean_lo.data(), scale.data());
  ScaleShift(rows, channels, x, mean, mean_lo.data(), scale.data(), beta, y);
}

void BatchNormInference(int64_t rows, int64_t channels, const float* x, const float* mean, const float* variance,
                        const float* gamma, const float* beta, double epsilon, float* y) {
  // Folded per channel once: scale = gamma / sqrt(var + eps), then one fused pass.
  // Up to kStackChannels on the stack: at a batch of one the two heap
  // allocations cost about as much as the pass itself.
  constexpr int64_t kStackChannels = 1024;
  float stack_scale[kStackChannels], stack_zero[kStackChannels];
  std::vector<float> heap_scale, heap_zero;
  float* scale = stack_scale;
  float* zero = stack_zero;
  if (channels > kStackChannels) {
    heap_scale.resize(static_cast<size_t>(channels));
    heap_zero.resize(static_cast<size_t>(channels));
    scale = heap_scale.data();
    zero = heap_zero.data();
  }
  std::fill(zero, zero + channels, 0.0f);
  Kernels().batch_norm_rows.inference_scale(gamma, variance, channels, epsilon, scale);
  ScaleShift(rows, channels, x, mean, zero, scale, beta, y);
}

void BatchNormBackwardCoefficients(int64_t rows, int64_t channels, int64_t chunks, const double* sums,
                                   const float* gamma, const float* inv_std, float* dgamma, float* dbeta, float* k1,
                                   float* k2, float* k3) {
  const double n = static_cast<double>(rows);
  for (int64_t c = 0; c < channels; ++c) {
    double sdy = 0.0, sdx = 0.0;
    for (int64_t q = 0; q < chunks; ++q) {
      sdy += sums[q * channels * 2 + c];
      sdx += sums[q * channels * 2 + channels + c];
    }
    const double is = inv_std[c], g = gamma[c];
    const double dg = sdx * is;
    dbeta[c] = static_cast<float>(sdy);
    dgamma[c] = static_cast<float>(dg);
    k1[c] = static_cast<float>(g * is);
    k2[c] = static_cast<float>(-g * is * is * dg / n);
    k3[c] = static_cast<float>(-g * is * sdy / n);
  }
}

void BatchNormBackward(int64_t rows, int64_t channels, const float* dy, const float* x, const float* gamma,
                       const float* mean, const float* inv_std, float* dx, float* dgamma, float* dbeta) {
  const int64_t per = RowsPerChunk(channels);
  const int64_t chunks = (rows + per - 1) / per;
  // Pass 1, per chunk: sum dy and sum dy * (x - mean).
  std::vector<double> sums(static_cast<size_t>(chunks * channels * 2));
  const BatchNormRows& k = Kernels().batch_norm_rows;
  ParallelTasks(chunks, [&](int64_t q) {
    const int64_t r0 = q * per, r1 = std::min(rows, r0 + per);
    double* sdy = sums.data() + q * channels * 2;
    for (int64_t c = 0; c < channels * 2; ++c) sdy[c] = 0.0;
    k.backward_sums(dy + r0 * channels, x + r0 * channels, r1 - r0, channels, mean, sdy, sdy + channels);
  });
  // dx = gamma*invStd/N * (N*dy - dbeta - xhat*dgamma), expanded into per-channel
  // coefficients: dx = k1*dy + k2*(x - mean) + k3.
  std::vector<float> k1(channels), k2(channels), k3(channels);
  BatchNormBackwardCoefficients(rows, channels, chunks, sums.data(), gamma, inv_std, dgamma, dbeta, k1.data(), k2.data(),
                                k3.data());
  // Last rows first: the sums pass just read them.
  ParallelRanges(
      rows, per,
      [&](int64_t r0, int64_t r1) {
        k.backward_dx(dy + r0 * channels, x + r0 * channels, r1 - r0, channels, mean, k1.data(), k2.data(),
                      k3.data(), dx + r0 * channels);
      },
      /*last_first=*/true);
}

}  // namespace bw

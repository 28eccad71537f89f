#include "kernels/fused-conv-bn-relu-filter.h"

#include <algorithm>
#include <vector>

#include "kernels/batch-norm.h"
#include "kernels/bn-relu-rows.h"
#include "kernels/fused-bn-relu.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// At most this many doubles of per-chunk partial sums (32 MiB), whatever the batch.
constexpr int64_t kMaxPartials = int64_t{1} << 22;

// The chained path keeps dz's buffer for the next call up to this many floats (16 MiB: a first
// layer's conv output at a training batch); a larger one is freed after the call.
constexpr size_t kKeptDzFloats = size_t{1} << 22;

}  // namespace

bool Conv2dBatchNormReluPoolBackwardFilter(const ConvGeom& conv, const float* input, const float* filter,
                                           const ConvGeom& pool, const float* dy, const float* y,
                                           const int32_t* argmax, const float* gamma, const float* mean,
                                           const float* inv_std, float* dfilter, float* dgamma, float* dbeta) {
  const int64_t taps = conv.k_h * conv.k_w * conv.in_c, C = conv.out_c;
  if (pool.stride_h < pool.k_h || pool.stride_w < pool.k_w || taps > kMaxFilterTaps ||
      pool.k_h * pool.k_w > kMaxFilterWindow) {
    return false;
  }
  const BatchNormReluRows& k = Kernels().bn_relu_rows;
  // Pass 1 over the pooled tensors: per chunk [sum g, (unused) C] then sum u g (taps * C).
  const int64_t pooled_rows = pool.batch * pool.out_h;
  const int64_t stride = 2 * C + taps * C;
  // Chunks of ~16 K elements, but never more partial sums than kMaxPartials doubles: the count
  // depends on the shape alone, so the bits do not depend on the thread count.
  const int64_t per = std::max({int64_t{1}, 16384 / std::max<int64_t>(1, pool.out_w * C),
                                (pooled_rows + kMaxPartials / stride - 1) / std::max<int64_t>(1, kMaxPartials / stride)});
  const int64_t chunks = (pooled_rows + per - 1) / per;
  std::vector<double> sums(static_cast<size_t>(chunks * stride), 0.0);
  std::vector<int64_t> hits(static_cast<size_t>(chunks), 0);
  ParallelTasks(chunks, [&](int64_t q) {
    std::vector<float> scratch(static_cast<size_t>((taps + 1) * C + taps * pool.k_h * conv.out_w));
    double* s = sums.data() + q * stride;
    hits[q] = k.pool_filter_sums(conv, input, pool, dy, y, argmax, q * per, std::min(pooled_rows, (q + 1) * per),
                                 scratch.data(), s, s + 2 * C);
  });
  int64_t found = 0;
  for (int64_t h : hits) found += h;
  if (found != pool.batch * pool.out_h * pool.out_w * C) return false;
  // Pass 2 over the conv's input: the patches' Gram matrix and sum.
  const int64_t conv_rows = conv.batch * conv.out_h;
  const int64_t gram_stride = taps * taps + taps;
  // Whole groups of four rows (patch_gram pads a group with zero rows), the same cap on partials.
  const int64_t gram_rows = std::max({int64_t{1}, 4096 / std::max<int64_t>(1, conv.out_w * taps),
                                      (conv_rows + kMaxPartials / gram_stride - 1) / std::max<int64_t>(1, kMaxPartials / gram_stride)});
  const int64_t gram_per = (gram_rows + 3) / 4 * 4;
  const int64_t gram_chunks = (conv_rows + gram_per - 1) / gram_per;
  std::vector<double> grams(static_cast<size_t>(gram_chunks * gram_stride), 0.0);
  ParallelTasks(gram_chunks, [&](int64_t q) {
    std::vector<double> scratch(static_cast<size_t>(taps * (taps + 7) / 2 * ((conv.out_w + 15) / 16 * 16)));
    double* s = grams.data() + q * gram_stride;
    k.patch_gram(conv, input, q * gram_per, std::min(conv_rows, (q + 1) * gram_per), scratch.data(), s, s + taps * taps);
  });
  // Chunk order, whatever the threads: the same bits on any thread count.
  std::vector<double> bn(static_cast<size_t>(2 * C), 0.0), su(static_cast<size_t>(taps * C), 0.0);
  for (int64_t q = 0; q < chunks; ++q) {
    const double* s = sums.data() + q * stride;
    for (int64_t i = 0; i < 2 * C; ++i) bn[i] += s[i];
    for (int64_t i = 0; i < taps * C; ++i) su[i] += s[2 * C + i];
  }
  std::vector<double> gram(static_cast<size_t>(taps * taps), 0.0), usum(static_cast<size_t>(taps), 0.0);
  for (int64_t q = 0; q < gram_chunks; ++q) {
    const double* s = grams.data() + q * gram_stride;
    for (int64_t a = 0; a < taps; ++a) {
      for (int64_t b = 0; b <= a; ++b) gram[a * taps + b] += s[a * taps + b];
      usum[a] += s[taps * taps + a];
    }
  }
  for (int64_t a = 0; a < taps; ++a) {
    for (int64_t b = a + 1; b < taps; ++b) gram[a * taps + b] = gram[b * taps + a];
  }
  // sum g (z - mean) = sum over taps of filter * sum u g - mean * sum g: z itself is never read.
  for (int64_t c = 0; c < C; ++c) {
    double gz = 0.0;
    for (int64_t t = 0; t < taps; ++t) gz += static_cast<double>(filter[t * C + c]) * su[t * C + c];
    bn[C + c] = gz - static_cast<double>(mean[c]) * bn[c];
  }
  std::vector<float> k1(C), k2(C), k3(C);
  BatchNormBackwardCoefficients(conv.batch * conv.out_h * conv.out_w, C, 1, bn.data(), gamma, inv_std, dgamma, dbeta,
                                k1.data(), k2.data(), k3.data());
  for (int64_t a = 0; a < taps; ++a) {
    for (int64_t c = 0; c < C; ++c) {
      // sum over p of u_p[a] * (z_p - mean), with z_p = u_p . filter[:, c].
      double uz = 0.0;
      for (int64_t b = 0; b < taps; ++b) uz += gram[a * taps + b] * static_cast<double>(filter[b * C + c]);
      const double centered = uz - static_cast<double>(mean[c]) * usum[a];
      dfilter[a * C + c] = static_cast<float>(static_cast<double>(k1[c]) * su[a * C + c] +
                                              static_cast<double>(k2[c]) * centered +
                                              static_cast<double>(k3[c]) * usum[a]);
    }
  }
  return true;
}

void Conv2dBatchNormReluBackwardFilterChained(const ConvGeom& conv, const float* input, const ConvGeom* pool,
                                              const float* dy, const float* z, const float* y, const int32_t* argmax,
                                              const float* gamma, const float* mean, const float* inv_std,
                                              float* dfilter, float* dgamma, float* dbeta) {
  const int64_t rows = conv.batch * conv.out_h * conv.out_w;
  // Grown, never shrunk but past kKeptDzFloats: a training step finds it warm and faulted in, and
  // only its growth is zero-filled (BatchNormReluBackward writes every element).
  thread_local std::vector<float> dz;
  if (dz.size() < static_cast<size_t>(rows * conv.out_c)) dz.resize(static_cast<size_t>(rows * conv.out_c));
  BatchNormReluBackward(rows, conv.out_c, dy, z, gamma, mean, inv_std, y, argmax, pool, dz.data(), dgamma, dbeta);
  Conv2dBackpropFilter(conv, input, dz.data(), dfilter);
  if (dz.capacity() > kKeptDzFloats) std::vector<float>().swap(dz);
}

}  // namespace bw

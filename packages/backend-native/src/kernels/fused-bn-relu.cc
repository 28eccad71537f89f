#include "kernels/fused-bn-relu.h"

#include <algorithm>
#include <vector>

#include "kernels/batch-norm.h"
#include "kernels/bn-relu-rows.h"
#include "kernels/max-pool.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Pooled output rows per task: about 64 KiB of output, from the shapes only.
int64_t PooledRowsPerTask(const ConvGeom& g) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.out_w * g.in_c)); }

// Windows that never share an input position: each position gets the
// gradient of at most one pooled element, so no scatter buffer is needed.
bool Disjoint(const ConvGeom& g) { return g.stride_h >= g.k_h && g.stride_w >= g.k_w; }

}  // namespace

void BatchNormReluTraining(int64_t rows, int64_t channels, const float* x, const float* gamma, const float* beta,
                           double epsilon, const ConvGeom* pool, float* y, int32_t* argmax, float* mean,
                           float* variance, float* inv_std) {
  std::vector<float> scale(static_cast<size_t>(channels)), mean_lo(static_cast<size_t>(channels));
  BatchNormStatistics(rows, channels, x, gamma, epsilon, mean, variance, inv_std, mean_lo.data(), scale.data());
  BatchNormReluApply(rows, channels, x, {mean, mean_lo.data(), scale.data(), beta}, pool, y, argmax);
}

void BatchNormReluApply(int64_t rows, int64_t channels, const float* x, const BnAffine& a, const ConvGeom* pool, float* y,
                        int32_t* argmax) {
  const BatchNormReluRows& k = Kernels().bn_relu_rows;
  if (pool == nullptr) {
    // Last rows first: the statistics pass just read them.
    ParallelRanges(
        rows, BatchNormRowsPerChunk(channels),
        [&](int64_t r0, int64_t r1) { k.relu(x + r0 * channels, r1 - r0, channels, a, y + r0 * channels); },
        /*last_first=*/true);
    return;
  }
  const ConvGeom& g = *pool;
  ParallelRanges(
      g.batch * g.out_h, PooledRowsPerTask(g),
      [&](int64_t r0, int64_t r1) {
        for (int64_t row = r0; row < r1; ++row) k.pool_row(g, x, a, y, argmax, row);
      },
      /*last_first=*/true);
}

bool BatchNormReluPoolBackwardInWindows(int64_t rows, int64_t channels, const float* dy, const float* x,
                                        const float* gamma, const float* mean, const float* inv_std, const float* y,
                                        const int32_t* argmax, const ConvGeom& g, float* dx, float* dgamma,
                                        float* dbeta) {
  if (!Disjoint(g)) return false;
  // Sums over the pooled elements, each looking for its winner among its
  // window's positions; then dx row by row. argmax is only compared with
  // positions, never followed, so an index from elsewhere (or out of range)
  // just fails the count below.
  const BatchNormReluRows& k = Kernels().bn_relu_rows;
  const int64_t per = PooledRowsPerTask(g), pooled_rows = g.batch * g.out_h;
  const int64_t chunks = (pooled_rows + per - 1) / per;
  std::vector<double> sums(static_cast<size_t>(chunks * channels * 2), 0.0);
  std::vector<int64_t> hits(static_cast<size_t>(chunks), 0);
  ParallelTasks(chunks, [&](int64_t q) {
    double* s = sums.data() + q * channels * 2;
    hits[q] = k.pool_sums(g, dy, y, argmax, x, mean, q * per, std::min(pooled_rows, (q + 1) * per), s, s + channels);
  });
  int64_t found = 0;
  for (int64_t h : hits) found += h;
  if (found != g.batch * g.out_h * g.out_w * channels) return false;
  std::vector<float> k1(channels), k2(channels), k3(channels);
  BatchNormBackwardCoefficients(rows, channels, chunks, sums.data(), gamma, inv_std, dgamma, dbeta, k1.data(),
                                k2.data(), k3.data());
  ParallelRanges(
      g.batch * g.in_h, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, g.in_w * channels)),
      [&](int64_t r0, int64_t r1) { k.pool_dx(g, dy, y, argmax, x, mean, k1.data(), k2.data(), k3.data(), r0, r1, dx); },
      /*last_first=*/true);
  return true;
}

void BatchNormReluBackward(int64_t rows, int64_t channels, const float* dy, const float* x, const float* gamma,
                           const float* mean, const float* inv_std, const float* y, const int32_t* argmax,
                           const ConvGeom* pool, float* dx, float* dgamma, float* dbeta) {
  const int64_t total = rows * channels;
  // A pooled element whose argmax is not in its own window (not from this
  // forward) sends the call to the general path below, which follows the
  // definition for any index.
  if (pool != nullptr && BatchNormReluPoolBackwardInWindows(rows, channels, dy, x, gamma, mean, inv_std, y, argmax,
                                                            *pool, dx, dgamma, dbeta)) {
    return;
  }
  // The chain as written: route dy to the ReLU output (dy where y > 0; added
  // at argmax in the order of dy's elements when pooled), then batch norm's backward.
  std::vector<float> dbn(static_cast<size_t>(total), 0.0f);
  if (pool == nullptr) {
    ParallelRanges(total, 1 << 15, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) dbn[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    });
  } else {
    const int64_t count = pool->batch * pool->out_h * pool->out_w * channels;
    std::vector<float> masked(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) masked[i] = y[i] > 0.0f ? dy[i] : 0.0f;
    MaxPoolBackward(pool->batch, count, masked.data(), argmax, total, dbn.data());
  }
  BatchNormBackward(rows, channels, dbn.data(), x, gamma, mean, inv_std, dx, dgamma, dbeta);
}

}  // namespace bw

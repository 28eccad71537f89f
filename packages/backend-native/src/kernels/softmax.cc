// Rows are independent, so any split over threads gives the same bits. The
// max is subtracted before exp (no overflow) and row sums are float64.
#include "kernels/softmax.h"

#include <algorithm>
#include <cmath>

#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

int64_t RowGrain(int64_t cols) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, cols)); }

float RowMax(const float* x, int64_t cols) {
  float m = x[0];
  for (int64_t c = 1; c < cols; ++c) m = x[c] > m ? x[c] : m;
  return m;
}

}  // namespace

void Softmax(int64_t rows, int64_t cols, const float* x, float* y) {
  const VecMath& math = Kernels().vec_math;
  ParallelRanges(rows, RowGrain(cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float m = RowMax(xr, cols);
      for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] - m;
      math.exp(cols, yr, yr);
      // Four float64 partial sums, combined in a fixed order: the exps can be
      // summed in parallel instead of one add waiting on the last.
      double part[4] = {0.0, 0.0, 0.0, 0.0};
      int64_t c = 0;
      for (; c + 4 <= cols; c += 4) {
        for (int k = 0; k < 4; ++k) part[k] += yr[c + k];
      }
      for (; c < cols; ++c) part[0] += yr[c];
      const double sum = (part[0] + part[1]) + (part[2] + part[3]);
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t c = 0; c < cols; ++c) yr[c] *= inv;
    }
  });
}

void SoftmaxBackward(int64_t rows, int64_t cols, const float* dy, const float* y, float* dx) {
  ParallelRanges(rows, RowGrain(cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* g = dy + r * cols;
      const float* yr = y + r * cols;
      double dot = 0.0;
      for (int64_t c = 0; c < cols; ++c) dot += static_cast<double>(g[c]) * yr[c];
      const float d = static_cast<float>(dot);
      for (int64_t c = 0; c < cols; ++c) dx[r * cols + c] = yr[c] * (g[c] - d);
    }
  });
}

void SoftmaxCrossEntropy(int64_t rows, int64_t cols, const float* logits, const float* labels, float* loss,
                         float* dlogits) {
  ParallelRanges(rows, RowGrain(cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* z = logits + r * cols;
      const float* l = labels + r * cols;
      float* d = dlogits + r * cols;
      const float m = RowMax(z, cols);
      double sum = 0.0, label_sum = 0.0;
      for (int64_t c = 0; c < cols; ++c) {
        sum += std::exp(static_cast<double>(z[c]) - m);
        label_sum += l[c];
      }
      // log softmax = z - m - log(sum exp(z - m)), without forming softmax first.
      const double lse = std::log(sum);
      double row_loss = 0.0;
      for (int64_t c = 0; c < cols; ++c) {
        const double log_p = static_cast<double>(z[c]) - m - lse;
        row_loss -= static_cast<double>(l[c]) * log_p;
        d[c] = static_cast<float>(std::exp(log_p) * label_sum - l[c]);
      }
      loss[r] = static_cast<float>(row_loss);
    }
  });
}

}  // namespace bw

// Every output element is accumulated in a fixed order: row-major over the
// reduced axes, or, when everything is reduced, per fixed chunk with the
// chunk partials added in chunk order. Thread count never changes the bits.
#include "kernels/reduce.h"

#include <algorithm>
#include <cmath>

#include "runtime/parallel.h"

namespace bw {
namespace {

constexpr int64_t kGrain = 1 << 15;

struct Group {
  int64_t size, stride;
};

// max that lets a NaN in and keeps it, so NaN propagates like tf.max.
inline float MaxOf(float best, float v) { return (v > best || (std::isnan(v) && !std::isnan(best))) ? v : best; }

double Accumulate(ReduceKind kind, double acc, float v) {
  return kind == ReduceKind::kMax ? MaxOf(static_cast<float>(acc), v) : acc + v;
}

float Finish(ReduceKind kind, double acc, int64_t count) {
  return static_cast<float>(kind == ReduceKind::kMean ? acc / static_cast<double>(count) : acc);
}

// The sequential MaxOf scan of x[0, n): NaN wins, otherwise the first element equal to the
// maximum (which fixes the sign of a zero maximum).
float MaxScan(const float* x, int64_t n) {
  float best = x[0];
  for (int64_t i = 1; i < n; ++i) best = MaxOf(best, x[i]);
  return best;
}

// The same value as MaxScan, in independent lanes the compiler vectorises: MaxScan's branchy
// NaN test kept it scalar. Lanes only change which of several equal maxima is found, which
// matters for +0 and -0 alone; those inputs, and any with a NaN or an infinity (x - x is NaN
// for both), take MaxScan.
float MaxRun(const float* x, int64_t n) {
  constexpr int64_t kLanes = 16;
  float lane[kLanes], special[kLanes];
  for (int64_t k = 0; k < kLanes; ++k) lane[k] = -INFINITY, special[k] = 0.0f;
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t k = 0; k < kLanes; ++k) {
      const float v = x[i + k];
      lane[k] = v > lane[k] ? v : lane[k];
      special[k] += v - v;
    }
  }
  float best = -INFINITY, flag = 0.0f;
  for (int64_t k = 0; k < kLanes; ++k) best = lane[k] > best ? lane[k] : best, flag += special[k];
  for (; i < n; ++i) best = x[i] > best ? x[i] : best, flag += x[i] - x[i];
  return flag != 0.0f || best == 0.0f ? MaxScan(x, n) : best;
}

void ReduceAll(ReduceKind kind, int64_t n, const float* x, float* out) {
  const int64_t chunks = (n + kGrain - 1) / kGrain;
  std::vector<double> partial(static_cast<size_t>(chunks));
  ParallelTasks(chunks, [&](int64_t q) {
    const int64_t i0 = q * kGrain, i1 = std::min(n, i0 + kGrain);
    if (kind == ReduceKind::kMax) {
      partial[q] = MaxRun(x + i0, i1 - i0);
      return;
    }
    double acc = 0.0;
    for (int64_t i = i0; i < i1; ++i) acc = Accumulate(kind, acc, x[i]);
    partial[q] = acc;
  });
  double acc = partial[0];
  for (int64_t q = 1; q < chunks; ++q) {
    // float64 partials are added without rounding to float in between.
    acc = kind == ReduceKind::kMax ? MaxOf(static_cast<float>(acc), static_cast<float>(partial[q])) : acc + partial[q];
  }
  out[0] = Finish(kind, acc, n);
}

// x as [rows, cols], reducing rows: column sums, per fixed row chunk, chunks in order.
void ReduceLeading(ReduceKind kind, int64_t rows, int64_t cols, const float* x, float* out) {
  const int64_t per = std::max<int64_t>(1, kGrain / cols);
  const int64_t chunks = (rows + per - 1) / per;
  std::vector<double> partial(static_cast<size_t>(chunks * cols));
  ParallelTasks(chunks, [&](int64_t q) {
    const int64_t r0 = q * per, r1 = std::min(rows, r0 + per);
    double* acc = partial.data() + q * cols;
    for (int64_t c = 0; c < cols; ++c) acc[c] = kind == ReduceKind::kMax ? x[r0 * cols + c] : 0.0;
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      if (kind == ReduceKind::kMax) {
        for (int64_t c = 0; c < cols; ++c) acc[c] = MaxOf(static_cast<float>(acc[c]), xr[c]);
      } else {
        for (int64_t c = 0; c < cols; ++c) acc[c] += xr[c];
      }
    }
  });
  for (int64_t c = 0; c < cols; ++c) {
    double acc = partial[c];
    for (int64_t q = 1; q < chunks; ++q) {
      const double p = partial[q * cols + c];
      acc = kind == ReduceKind::kMax ? MaxOf(static_cast<float>(acc), static_cast<float>(p)) : acc + p;
    }
    out[c] = Finish(kind, acc, rows);
  }
}

// x as [outer, inner], reducing the contiguous inner axis: one tight loop per output.
void ReduceTrailing(ReduceKind kind, int64_t outer, int64_t inner, const float* x, float* out) {
  ParallelRanges(outer, std::max<int64_t>(1, kGrain / inner), [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) {
      const float* xr = x + o * inner;
      if (kind == ReduceKind::kMax) {
        float best = xr[0];
        for (int64_t j = 1; j < inner; ++j) best = MaxOf(best, xr[j]);
        out[o] = best;
      } else {
        double acc = 0.0;
        for (int64_t j = 0; j < inner; ++j) acc += xr[j];
        out[o] = Finish(kind, acc, inner);
      }
    }
  });
}

}  // namespace

void Reduce(ReduceKind kind, const std::vector<int64_t>& dims, const std::vector<bool>& reduced, const float* x,
            float* out) {
  // Merge neighbouring axes of the same kind and drop size-1 axes: [2,3,4] over
  // axes {1,2} becomes kept [2] x reduced [12].
  std::vector<std::pair<int64_t, bool>> axes;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (dims[k] == 1) continue;
    if (!axes.empty() && axes.back().second == reduced[k]) {
      axes.back().first *= dims[k];
    } else {
      axes.emplace_back(dims[k], reduced[k]);
    }
  }
  std::vector<Group> kept, red;
  int64_t stride = 1;
  for (size_t k = axes.size(); k-- > 0;) {
    (axes[k].second ? red : kept).insert((axes[k].second ? red : kept).begin(), Group{axes[k].first, stride});
    stride *= axes[k].first;
  }
  const int64_t total = stride;
  if (red.empty()) {
    ParallelRanges(total, kGrain, [&](int64_t i0, int64_t i1) { std::copy(x + i0, x + i1, out + i0); });
    return;
  }
  if (kept.empty()) return ReduceAll(kind, total, x, out);
  if (axes.size() == 2 && axes[0].second) return ReduceLeading(kind, axes[0].first, axes[1].first, x, out);
  if (axes.size() == 2 && axes[1].second) return ReduceTrailing(kind, axes[0].first, axes[1].first, x, out);
  int64_t outputs = 1, count = 1;
  for (const Group& g : kept) outputs *= g.size;
  for (const Group& g : red) count *= g.size;
  const Group inner = red.back();
  ParallelRanges(outputs, std::max<int64_t>(1, kGrain / count), [&](int64_t o0, int64_t o1) {
    std::vector<int64_t> idx(red.size());
    for (int64_t o = o0; o < o1; ++o) {
      int64_t base = 0, rest = o;
      for (size_t k = kept.size(); k-- > 0;) {
        base += (rest % kept[k].size) * kept[k].stride;
        rest /= kept[k].size;
      }
      std::fill(idx.begin(), idx.end(), 0);
      double acc = kind == ReduceKind::kMax ? x[base] : 0.0;
      for (;;) {
        int64_t off = base;
        for (size_t k = 0; k + 1 < red.size(); ++k) off += idx[k] * red[k].stride;
        for (int64_t j = 0; j < inner.size; ++j) acc = Accumulate(kind, acc, x[off + j * inner.stride]);
        // Odometer over the outer reduced groups.
        size_t k = red.size() - 1;
        while (k-- > 0) {
          if (++idx[k] < red[k].size) break;
          idx[k] = 0;
        }
        if (k == static_cast<size_t>(-1)) break;
      }
      out[o] = Finish(kind, acc, count);
    }
  });
}

void ArgMaxLast(int64_t rows, int64_t cols, const float* x, float* out) {
  ParallelRanges(rows, std::max<int64_t>(1, kGrain / cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      int64_t best = 0;
      for (int64_t c = 1; c < cols; ++c) {
        if (xr[c] > xr[best] || (std::isnan(xr[c]) && !std::isnan(xr[best]))) best = c;
      }
      out[r] = static_cast<float>(best);
    }
  });
}

}  // namespace bw

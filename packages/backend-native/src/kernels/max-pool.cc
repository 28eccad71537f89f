#include "kernels/max-pool.h"

#include <algorithm>
#include <atomic>

#include "kernels/max-pool-rows.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {

namespace {

void MaxPoolRowScalar(const ConvGeom& g, const float* x, float* y, int32_t* argmax, int64_t row, bool /*prefetch*/) {
  const int64_t C = g.in_c;
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t h0 = std::max<int64_t>(0, oh * g.stride_h - g.pad_top);
  const int64_t h1 = std::min<int64_t>(g.in_h, oh * g.stride_h - g.pad_top + g.k_h);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t w0 = std::max<int64_t>(0, ow * g.stride_w - g.pad_left);
    const int64_t w1 = std::min<int64_t>(g.in_w, ow * g.stride_w - g.pad_left + g.k_w);
    const int64_t out = (row * g.out_w + ow) * C;
    // Start from the first real element of the window ('same' padding never wins),
    // then replace only on a strictly larger value: the first maximum wins ties.
    // A NaN wins over numbers and stays, so NaN propagates as in TensorFlow.
    const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C;
    for (int64_t c = 0; c < C; ++c) {
      y[out + c] = x[first + c];
      argmax[out + c] = static_cast<int32_t>(first + c);
    }
    for (int64_t ih = h0; ih < h1; ++ih) {
      for (int64_t iw = w0; iw < w1; ++iw) {
        const int64_t base = ((n * g.in_h + ih) * g.in_w + iw) * C;
        for (int64_t c = 0; c < C; ++c) {
          const float v = x[base + c], best = y[out + c];
          if (best == best && !(v <= best)) {
            y[out + c] = v;
            argmax[out + c] = static_cast<int32_t>(base + c);
          }
        }
      }
    }
  }
}

}  // namespace

MaxPoolRows MaxPoolRowsScalar() { return {"scalar", MaxPoolRowScalar}; }

void MaxPool(const ConvGeom& g, const float* x, float* y, int32_t* argmax) {
  const MaxPoolRowFn row_fn = Kernels().max_pool_rows.row;
  // Prefetch only an x too big to be cached still: one under half the last-level
  // cache was, in a network, just written by the layer before (relu or batch
  // norm) and is there, and then the prefetches only cost time. A larger x
  // streams from memory, where they pay (figures in docs/backend-native/design.md).
  const long long llc = Kernels().last_level_cache_bytes;
  const long long x_bytes = static_cast<long long>(g.batch * g.in_h * g.in_w * g.in_c) * 4;
  const bool prefetch = llc == 0 || x_bytes * 2 > llc;
  // About 64 KiB of output per task, from the shapes only. Each row writes its
  // own outputs, so the split does not change any result.
  const int64_t row_elems = std::max<int64_t>(1, g.out_w * g.in_c);
  ParallelRanges(g.batch * g.out_h, std::max<int64_t>(1, 16384 / row_elems), [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) row_fn(g, x, y, argmax, row, prefetch);
  });
}

void MaxPoolBackward(int64_t batch, int64_t count, const float* dy, const int32_t* argmax, int64_t dx_length,
                     float* dx) {
  // A window never leaves its image, so each image's gradients land in that
  // image's slice of dx: images are independent tasks, and within one the
  // adds keep the order of i, so the sums' bits do not depend on the split.
  // argmax comes from the caller, though; if any index points outside its
  // image, fall back to one sequential pass (same order, same bits).
  const int64_t per_y = batch > 0 ? count / batch : 0, per_x = batch > 0 ? dx_length / batch : 0;
  const bool even = batch > 0 && per_y * batch == count && per_x * batch == dx_length;
  // Each task checks its indices before writing, and writes only its own slice.
  std::atomic<bool> local{even};
  if (even) {
    ParallelTasks(batch, [&](int64_t b) {
      const int64_t lo = b * per_x, hi = lo + per_x;
      const int32_t* a = argmax + b * per_y;
      // One unsigned compare per index (negative ones wrap to large), OR-reduced
      // without a branch so that the compiler vectorises it.
      const uint32_t lo32 = static_cast<uint32_t>(lo), span = static_cast<uint32_t>(hi - lo);
      uint32_t bad = 0;
      for (int64_t i = 0; i < per_y; ++i) bad |= static_cast<uint32_t>(static_cast<uint32_t>(a[i]) - lo32 >= span);
      if (bad != 0) {
        local.store(false, std::memory_order_relaxed);
        return;
      }
      std::fill(dx + lo, dx + hi, 0.0f);
      const float* g = dy + b * per_y;
      for (int64_t i = 0; i < per_y; ++i) dx[a[i]] += g[i];
    });
  }
  if (!local.load()) {
    std::fill(dx, dx + dx_length, 0.0f);
    for (int64_t i = 0; i < count; ++i) dx[argmax[i]] += dy[i];
  }
}

}  // namespace bw

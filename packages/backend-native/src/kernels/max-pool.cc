#include "kernels/max-pool.h"

#include <algorithm>
#include <cmath>

#include "runtime/thread-pool.h"

namespace bw {

void MaxPool(const ConvGeom& g, const float* x, float* y, int32_t* argmax) {
  const int64_t C = g.in_c;
  ParallelRanges(g.batch * g.out_h, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      const int64_t n = row / g.out_h, oh = row % g.out_h;
      const int64_t h0 = std::max<int64_t>(0, oh * g.stride_h - g.pad_top);
      const int64_t h1 = std::min<int64_t>(g.in_h, oh * g.stride_h - g.pad_top + g.k_h);
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        const int64_t w0 = std::max<int64_t>(0, ow * g.stride_w - g.pad_left);
        const int64_t w1 = std::min<int64_t>(g.in_w, ow * g.stride_w - g.pad_left + g.k_w);
        const int64_t out = ((n * g.out_h + oh) * g.out_w + ow) * C;
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
              if (v > best || (std::isnan(v) && !std::isnan(best))) {
                y[out + c] = v;
                argmax[out + c] = static_cast<int32_t>(base + c);
              }
            }
          }
        }
      }
    }
  });
}

void MaxPoolBackward(int64_t count, const float* dy, const int32_t* argmax, int64_t dx_length, float* dx) {
  std::fill(dx, dx + dx_length, 0.0f);
  // Sequential: overlapping windows may send two gradients to one element, and
  // a fixed order keeps the sum's bits fixed. The loop is memory-bound anyway.
  for (int64_t i = 0; i < count; ++i) dx[argmax[i]] += dy[i];
}

}  // namespace bw

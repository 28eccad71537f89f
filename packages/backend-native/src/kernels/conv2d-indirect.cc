#include "kernels/conv2d-indirect.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/parallel.h"

namespace bw {
namespace {

// Output pixels per task: a multiple of every MR, and small enough that a
// problem of a few thousand pixels still gives both threads work.
constexpr int64_t kIndirectRows = 144;

}  // namespace

// Forward convolution as an indirect GEMM (Dukhan, "The Indirect Convolution
// Algorithm", 2019; XNNPACK's approach): the microkernel reads each tap of
// each output pixel through a pointer into x (or into a zero run for padding),
// so patches are never packed. Packing cost a third of the multiply time:
// every patch value feeds only out_c FMAs (figures in
// docs/backend-native/design.md).
// Each output element is one microkernel call over the whole reduction, so
// the bits do not depend on the thread count.
IndirectRows::IndirectRows(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f)
    : g_(g), kern_(kern), x_(x), zeros_(static_cast<size_t>(g.in_c), 0.0f) {
  const int nr = kern.nr;
  const int64_t taps = g.k_h * g.k_w, k = taps * g.in_c;
  const int64_t n_slivers = (g.out_c + nr - 1) / nr;
  // f [k, out_c] as k x NR slivers (zeros past out_c), shared read-only by all tasks.
  packed_.resize(static_cast<size_t>(n_slivers * k * nr));
  for (int64_t js = 0; js < n_slivers; ++js) {
    const int64_t j0 = js * nr, w = std::min<int64_t>(nr, g.out_c - j0);
    float* d = packed_.data() + js * k * nr;
    for (int64_t q = 0; q < k; ++q, d += nr) {
      std::memcpy(d, f + q * g.out_c + j0, sizeof(float) * w);
      std::fill(d + w, d + nr, 0.0f);
    }
  }
  // Offset of each tap from the window's corner.
  tap_offset_.resize(static_cast<size_t>(taps));
  for (int64_t kh = 0; kh < g.k_h; ++kh) {
    for (int64_t kw = 0; kw < g.k_w; ++kw) tap_offset_[kh * g.k_w + kw] = (kh * g.dil_h * g.in_w + kw * g.dil_w) * g.in_c;
  }
}

void IndirectRows::Rows(int64_t i0, int64_t rows, float* dst) const {
  const ConvGeom& g = g_;
  const int mr = kern_.mr, nr = kern_.nr;
  const int64_t taps = g.k_h * g.k_w, k = taps * g.in_c;
  const int64_t n_slivers = (g.out_c + nr - 1) / nr;
  const int64_t span_h = (g.k_h - 1) * g.dil_h, span_w = (g.k_w - 1) * g.dil_w;
  const int64_t slivers = (rows + mr - 1) / mr;
  // Pointers of sliver s, tap t, row r at [(s * taps + t) * mr + r].
  thread_local std::vector<const float*> ptrs;
  ptrs.resize(static_cast<size_t>(slivers * taps * mr));
  // The output pixel (n, oh, ow) advances by one per row: divided out once
  // per range, not per row (with one input channel, per-row divisions cost
  // more than the multiplies).
  int64_t ow = i0 % g.out_w, oh = (i0 / g.out_w) % g.out_h, n = i0 / (g.out_w * g.out_h);
  for (int64_t s = 0; s < slivers; ++s) {
    for (int64_t r = 0; r < mr; ++r) {
      const float** p = ptrs.data() + s * taps * mr + r;
      if (s * mr + r >= rows) {
        for (int64_t t = 0; t < taps; ++t) p[t * mr] = zeros_.data();
        continue;
      }
      const float* image = x_ + n * g.in_h * g.in_w * g.in_c;
      const int64_t h0 = oh * g.stride_h - g.pad_top, w0 = ow * g.stride_w - g.pad_left;
      if (h0 >= 0 && h0 + span_h < g.in_h && w0 >= 0 && w0 + span_w < g.in_w) {
        // The whole window inside the image: every tap at its fixed offset.
        const float* corner = image + (h0 * g.in_w + w0) * g.in_c;
        for (int64_t t = 0; t < taps; ++t) p[t * mr] = corner + tap_offset_[t];
      } else {
        for (int64_t kh = 0; kh < g.k_h; ++kh) {
          const int64_t ih = h0 + kh * g.dil_h;
          const bool row_inside = ih >= 0 && ih < g.in_h;
          for (int64_t kw = 0; kw < g.k_w; ++kw) {
            const int64_t iw = w0 + kw * g.dil_w;
            const bool inside = row_inside && iw >= 0 && iw < g.in_w;
            p[(kh * g.k_w + kw) * mr] = inside ? image + (ih * g.in_w + iw) * g.in_c : zeros_.data();
          }
        }
      }
      if (++ow == g.out_w) {
        ow = 0;
        if (++oh == g.out_h) {
          oh = 0;
          ++n;
        }
      }
    }
  }
  float tile[kGemmMaxTile];
  // Column sliver outermost: its packed filter (k x NR) stays in L1 across the range's rows.
  for (int64_t js = 0; js < n_slivers; ++js) {
    const int64_t j0 = js * nr, w = std::min<int64_t>(nr, g.out_c - j0);
    const float* bs = packed_.data() + js * k * nr;
    for (int64_t s = 0; s < slivers; ++s) {
      const int64_t h = std::min<int64_t>(mr, rows - s * mr);
      const float* const* rp = ptrs.data() + s * taps * mr;
      float* ct = dst + s * mr * g.out_c + j0;
      if (h == mr && w == nr) {
        kern_.indirect(taps, g.in_c, rp, bs, ct, g.out_c);
        continue;
      }
      kern_.indirect(taps, g.in_c, rp, bs, tile, nr);
      for (int64_t r = 0; r < h; ++r) std::memcpy(ct + r * g.out_c, tile + r * nr, sizeof(float) * w);
    }
  }
}

void Conv2dForwardIndirect(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y) {
  const IndirectRows plan(g, kern, x, f);
  const int64_t m = g.batch * g.out_h * g.out_w;
  const int64_t per_task = std::min<int64_t>(kIndirectRows, ((m + 7) / 8 + kern.mr - 1) / kern.mr * kern.mr);
  const int64_t tasks = (m + per_task - 1) / per_task;
  ParallelTasks(tasks, [&](int64_t task) {
    const int64_t i0 = task * per_task, rows = std::min(per_task, m - i0);
    plan.Rows(i0, rows, y + i0 * g.out_c);
  });
}

}  // namespace bw

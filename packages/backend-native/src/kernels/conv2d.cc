// Convolutions as implicit GEMMs: the image patches (im2col) are gathered
// directly into the GEMM's packed A panels, so no patch matrix is ever stored.
//   forward:        y[M=N*OH*OW, O]   = patches[M, K=KH*KW*C] * f[K, O]
//   filter grad:    df[K, O]          = patches^T[K, M] * dy[M, O]
//   input grad:     dcol[M, K]        = dy[M, O] * f^T[O, K], then a gather
//                   (col2im) adds each patch element back onto dx.
#include "kernels/conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/gemm.h"
#include "kernels/pack.h"
#include "runtime/thread-pool.h"

namespace bw {
namespace {

// Largest MR of the microkernels (AVX-512: 12) fits; PatchColumns keeps per-row state for as many.
constexpr int kMaxMr = 32;

bool IsPointwise(const ConvGeom& g) {
  return g.k_h == 1 && g.k_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.out_h == g.in_h && g.out_w == g.in_w;
}

// Row i of the patch matrix is output pixel (n, oh, ow); column k is (kh, kw, c).
class PatchRows final : public APacker {
 public:
  PatchRows(const ConvGeom& g, const float* x) : g_(g), x_(x) {}

  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override {
    const ConvGeom& g = g_;
    // Rows outside the image (or past mc) read from a zero run instead of branching per element.
    thread_local std::vector<float> zeros;
    if (static_cast<int64_t>(zeros.size()) < g.k_w * g.in_c) zeros.assign(static_cast<size_t>(g.k_w * g.in_c), 0.0f);
    const float* src[kMaxMr];
    int64_t base_h[kMaxMr], base_w[kMaxMr];
    const float* image[kMaxMr];
    for (int64_t is = 0; is < mc; is += mr) {
      const int64_t h = std::min<int64_t>(mr, mc - is);
      float* d = dst + is * kc;
      for (int64_t r = 0; r < mr; ++r) {
        const int64_t i = i0 + is + std::min<int64_t>(r, h - 1);
        const int64_t ow = i % g.out_w, oh = (i / g.out_w) % g.out_h, n = i / (g.out_w * g.out_h);
        base_h[r] = oh * g.stride_h - g.pad_top;
        base_w[r] = ow * g.stride_w - g.pad_left;
        image[r] = x_ + n * g.in_h * g.in_w * g.in_c;
      }
      int64_t c = k0 % g.in_c, kw = (k0 / g.in_c) % g.k_w, kh = k0 / (g.in_c * g.k_w);
      for (int64_t k = 0; k < kc;) {
        // With unit dilation along w, the rest of a window row (taps kw..KW-1,
        // all channels) is one contiguous run of x. When every row of the
        // sliver has that stretch inside the image (or is a padding row
        // altogether), copy it in one go: for few channels (a 5x5 conv on a
        // grey image has runs of 1) per-tap runs cost more than the GEMM.
        const int64_t span = std::min((g.k_w - kw) * g.in_c - c, kc - k);
        bool whole = g.dil_w == 1 && span > g.in_c - c;
        for (int64_t r = 0; r < mr && whole; ++r) {
          const int64_t ih = base_h[r] + kh * g.dil_h, iw = base_w[r] + kw;
          const bool row_inside = r < h && ih >= 0 && ih < g.in_h;
          const int64_t last = iw + (c + span - 1) / g.in_c;
          if (row_inside && (iw < 0 || last >= g.in_w)) whole = false;
          src[r] = row_inside ? image[r] + (ih * g.in_w + iw) * g.in_c + c : zeros.data();
        }
        if (whole) {
          PackRows(src, span, mr, d + k * mr);
          k += span;
          const int64_t j = kw * g.in_c + c + span;  // position within the window row
          if (j == g.k_w * g.in_c) {
            kw = 0;
            c = 0;
            ++kh;
          } else {
            kw = j / g.in_c;
            c = j % g.in_c;
          }
          continue;
        }
        const int64_t run = std::min(g.in_c - c, kc - k);
        // One tap (kh, kw) and a run of channels: each row reads one contiguous run of x.
        for (int64_t r = 0; r < mr; ++r) {
          const int64_t ih = base_h[r] + kh * g.dil_h, iw = base_w[r] + kw * g.dil_w;
          const bool inside = r < h && ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w;
          src[r] = inside ? image[r] + (ih * g.in_w + iw) * g.in_c + c : zeros.data();
        }
        PackRows(src, run, mr, d + k * mr);
        k += run;
        c = 0;
        if (++kw == g.k_w) {
          kw = 0;
          ++kh;
        }
      }
    }
  }

 private:
  const ConvGeom& g_;
  const float* x_;
};

// The transposed patch matrix: row i is (kh, kw, c), column k is output pixel (n, oh, ow).
class PatchColumns final : public APacker {
 public:
  PatchColumns(const ConvGeom& g, const float* x) : g_(g), x_(x) {}

  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override {
    const ConvGeom& g = g_;
    // Per pixel of this k block, computed once for all slivers: where its
    // window starts and which image it is in.
    thread_local std::vector<int64_t> pixel;
    pixel.resize(static_cast<size_t>(3 * kc));
    int64_t* base_h = pixel.data();
    int64_t* base_w = base_h + kc;
    int64_t* image = base_w + kc;
    {
      int64_t ow = k0 % g.out_w, oh = (k0 / g.out_w) % g.out_h, n = k0 / (g.out_w * g.out_h);
      for (int64_t k = 0; k < kc; ++k) {
        base_h[k] = oh * g.stride_h - g.pad_top;
        base_w[k] = ow * g.stride_w - g.pad_left;
        image[k] = n * g.in_h * g.in_w * g.in_c;
        if (++ow == g.out_w) {
          ow = 0;
          if (++oh == g.out_h) {
            oh = 0;
            ++n;
          }
        }
      }
    }
    int64_t off_h[kMaxMr], off_w[kMaxMr], chan[kMaxMr];
    for (int64_t is = 0; is < mc; is += mr) {
      const int64_t h = std::min<int64_t>(mr, mc - is);
      float* d = dst + is * kc;
      for (int64_t r = 0; r < h; ++r) {
        const int64_t i = i0 + is + r;
        chan[r] = i % g.in_c;
        off_w[r] = ((i / g.in_c) % g.k_w) * g.dil_w;
        off_h[r] = (i / (g.in_c * g.k_w)) * g.dil_h;
      }
      // Usually a sliver is consecutive channels of one (kh, kw): then each
      // pixel contributes one contiguous run of x, copied without per-element checks.
      bool one_tap = h == mr && chan[h - 1] - chan[0] == h - 1;
      for (int64_t r = 1; r < h && one_tap; ++r) one_tap = off_h[r] == off_h[0] && off_w[r] == off_w[0];
      if (one_tap) {
        const float* x0 = x_ + chan[0];
        for (int64_t k = 0; k < kc; ++k) {
          const int64_t ih = base_h[k] + off_h[0], iw = base_w[k] + off_w[0];
          float* dk = d + k * mr;
          if (ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w) {
            std::memcpy(dk, x0 + image[k] + (ih * g.in_w + iw) * g.in_c, sizeof(float) * mr);
          } else {
            std::memset(dk, 0, sizeof(float) * mr);
          }
        }
        continue;
      }
      // A sliver spanning several taps (few channels): for a pixel whose whole
      // window is inside the image, each row is a fixed offset from the
      // window's corner, with no bounds checks (one input channel, [64,28,28,1]
      // 3x3 -> 16, 2 threads: 0.45 -> 0.34 ms; 16 -> 32 on 14x14: 0.87 -> 0.67 ms).
      int64_t offset[kMaxMr];
      int64_t reach_h = 0, reach_w = 0;
      for (int64_t r = 0; r < h; ++r) {
        offset[r] = (off_h[r] * g.in_w + off_w[r]) * g.in_c + chan[r];
        reach_h = std::max(reach_h, off_h[r]);
        reach_w = std::max(reach_w, off_w[r]);
      }
      for (int64_t k = 0; k < kc; ++k) {
        float* dk = d + k * mr;
        if (base_h[k] >= 0 && base_h[k] + reach_h < g.in_h && base_w[k] >= 0 && base_w[k] + reach_w < g.in_w) {
          const float* corner = x_ + image[k] + (base_h[k] * g.in_w + base_w[k]) * g.in_c;
          for (int64_t r = 0; r < h; ++r) dk[r] = corner[offset[r]];
        } else {
          for (int64_t r = 0; r < h; ++r) {
            const int64_t ih = base_h[k] + off_h[r], iw = base_w[k] + off_w[r];
            dk[r] = (ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w)
                        ? x_[image[k] + (ih * g.in_w + iw) * g.in_c + chan[r]]
                        : 0.0f;
          }
        }
        for (int64_t r = h; r < mr; ++r) dk[r] = 0.0f;
      }
    }
  }

 private:
  const ConvGeom& g_;
  const float* x_;
};

// Adds the patch-gradient rows of `images` images back onto dx. Each dx
// element sums its (kh, kw) contributions in a fixed order: a gather, not a
// scatter, so rows can run on any thread without changing the bits.
void Col2Im(const ConvGeom& g, const float* dcol, int64_t n0, int64_t images, float* dx) {
  const int64_t kk = g.k_h * g.k_w * g.in_c;
  ParallelRanges(images * g.in_h, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      const int64_t nl = row / g.in_h, ih = row % g.in_h;
      float* out = dx + ((n0 + nl) * g.in_h + ih) * g.in_w * g.in_c;
      std::fill(out, out + g.in_w * g.in_c, 0.0f);
      for (int64_t kh = 0; kh < g.k_h; ++kh) {
        const int64_t th = ih + g.pad_top - kh * g.dil_h;
        if (th < 0 || th % g.stride_h != 0 || th / g.stride_h >= g.out_h) continue;
        const int64_t oh = th / g.stride_h;
        for (int64_t iw = 0; iw < g.in_w; ++iw) {
          float* o = out + iw * g.in_c;
          for (int64_t kw = 0; kw < g.k_w; ++kw) {
            const int64_t tw = iw + g.pad_left - kw * g.dil_w;
            if (tw < 0 || tw % g.stride_w != 0 || tw / g.stride_w >= g.out_w) continue;
            const int64_t ow = tw / g.stride_w;
            const float* src = dcol + ((nl * g.out_h + oh) * g.out_w + ow) * kk + (kh * g.k_w + kw) * g.in_c;
            for (int64_t c = 0; c < g.in_c; ++c) o[c] += src[c];
          }
        }
      }
    }
  });
}

// Output pixels per task: a multiple of every MR, and small enough that a
// problem of a few thousand pixels still gives both threads work.
constexpr int64_t kIndirectRows = 144;

// Forward convolution as an indirect GEMM (Dukhan, "The Indirect Convolution
// Algorithm", 2019; XNNPACK's approach): the microkernel reads each tap of
// each output pixel through a pointer into x (or into a zero run for padding),
// so patches are never packed. Packing cost a third of the multiply time here:
// every patch value feeds only out_c (64) FMAs. Measured on the bench shape
// ([32,28,28,32] 3x3 same -> 64), packed against indirect in one build:
// AVX-512 1 thread 5.49 -> 4.26 ms (82 % of the FMA peak), 2 threads 2.82 ->
// 2.39 ms; AVX2 1 thread 9.5 -> 7.7 ms (90 % of its peak).
// Each output element is one microkernel call over the whole reduction, so
// the bits do not depend on the thread count.
void Conv2dForwardIndirect(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y) {
  const int mr = kern.mr, nr = kern.nr;
  const int64_t taps = g.k_h * g.k_w, k = taps * g.in_c, m = g.batch * g.out_h * g.out_w;
  const int64_t n_slivers = (g.out_c + nr - 1) / nr;
  // f [k, out_c] as k x NR slivers (zeros past out_c), shared read-only by all tasks.
  std::vector<float> packed(static_cast<size_t>(n_slivers * k * nr));
  for (int64_t js = 0; js < n_slivers; ++js) {
    const int64_t j0 = js * nr, w = std::min<int64_t>(nr, g.out_c - j0);
    float* d = packed.data() + js * k * nr;
    for (int64_t q = 0; q < k; ++q, d += nr) {
      std::memcpy(d, f + q * g.out_c + j0, sizeof(float) * w);
      std::fill(d + w, d + nr, 0.0f);
    }
  }
  const std::vector<float> zeros(static_cast<size_t>(g.in_c), 0.0f);
  // Offset of each tap from the window's corner, and the window's reach past it.
  std::vector<int64_t> tap_offset(static_cast<size_t>(taps));
  for (int64_t kh = 0; kh < g.k_h; ++kh) {
    for (int64_t kw = 0; kw < g.k_w; ++kw) tap_offset[kh * g.k_w + kw] = (kh * g.dil_h * g.in_w + kw * g.dil_w) * g.in_c;
  }
  const int64_t span_h = (g.k_h - 1) * g.dil_h, span_w = (g.k_w - 1) * g.dil_w;
  const int64_t per_task = std::min<int64_t>(kIndirectRows, ((m + 7) / 8 + mr - 1) / mr * mr);
  const int64_t tasks = (m + per_task - 1) / per_task;
  ThreadPool::Instance().Run(tasks, [&](int64_t task) {
    const int64_t i0 = task * per_task, rows = std::min(per_task, m - i0);
    const int64_t slivers = (rows + mr - 1) / mr;
    // Pointers of sliver s, tap t, row r at [(s * taps + t) * mr + r].
    thread_local std::vector<const float*> ptrs;
    ptrs.resize(static_cast<size_t>(slivers * taps * mr));
    // The output pixel (n, oh, ow) advances by one per row: divided out once
    // per task, not per row (with one input channel, per-row divisions cost
    // more than the multiplies).
    int64_t ow = i0 % g.out_w, oh = (i0 / g.out_w) % g.out_h, n = i0 / (g.out_w * g.out_h);
    for (int64_t s = 0; s < slivers; ++s) {
      for (int64_t r = 0; r < mr; ++r) {
        const float** dst = ptrs.data() + s * taps * mr + r;
        if (s * mr + r >= rows) {
          for (int64_t t = 0; t < taps; ++t) dst[t * mr] = zeros.data();
          continue;
        }
        const float* image = x + n * g.in_h * g.in_w * g.in_c;
        const int64_t h0 = oh * g.stride_h - g.pad_top, w0 = ow * g.stride_w - g.pad_left;
        if (h0 >= 0 && h0 + span_h < g.in_h && w0 >= 0 && w0 + span_w < g.in_w) {
          // The whole window inside the image: every tap at its fixed offset.
          const float* corner = image + (h0 * g.in_w + w0) * g.in_c;
          for (int64_t t = 0; t < taps; ++t) dst[t * mr] = corner + tap_offset[t];
        } else {
          for (int64_t kh = 0; kh < g.k_h; ++kh) {
            const int64_t ih = h0 + kh * g.dil_h;
            const bool row_inside = ih >= 0 && ih < g.in_h;
            for (int64_t kw = 0; kw < g.k_w; ++kw) {
              const int64_t iw = w0 + kw * g.dil_w;
              const bool inside = row_inside && iw >= 0 && iw < g.in_w;
              dst[(kh * g.k_w + kw) * mr] = inside ? image + (ih * g.in_w + iw) * g.in_c : zeros.data();
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
    // Column sliver outermost: its packed filter (k x NR) stays in L1 across the task's rows.
    for (int64_t js = 0; js < n_slivers; ++js) {
      const int64_t j0 = js * nr, w = std::min<int64_t>(nr, g.out_c - j0);
      const float* bs = packed.data() + js * k * nr;
      for (int64_t s = 0; s < slivers; ++s) {
        const int64_t h = std::min<int64_t>(mr, rows - s * mr);
        const float* const* rp = ptrs.data() + s * taps * mr;
        float* ct = y + (i0 + s * mr) * g.out_c + j0;
        if (h == mr && w == nr) {
          kern.indirect(taps, g.in_c, rp, bs, ct, g.out_c);
          continue;
        }
        kern.indirect(taps, g.in_c, rp, bs, tile, nr);
        for (int64_t r = 0; r < h; ++r) std::memcpy(ct + r * g.out_c, tile + r * nr, sizeof(float) * w);
      }
    }
  });
}

}  // namespace

bool WindowAxis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, bool same, int64_t* out,
                int64_t* pad_before, int64_t* pad_after) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  if (!same) {
    *out = in >= effective ? (in - effective) / stride + 1 : 0;
    *pad_before = *pad_after = 0;
  } else {
    *out = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((*out - 1) * stride + effective - in, 0);
    *pad_before = total / 2;
    *pad_after = total - *pad_before;
  }
  return *out >= 1;
}

void Conv2dForward(const ConvGeom& g, const float* x, const float* f, float* y) {
  const GemmKernel& kern = ActiveGemmKernel();
  // Indirect wherever the ISA has the microkernel: it beat the packed path at
  // every channel count measured (2 threads, 'same' 3x3 unless noted: 1 channel
  // -> 16 0.81 -> 0.49 ms, 5x5 1 -> 32 1.39 -> 0.92, 3 -> 32 1.16 -> 0.69,
  // 8 -> 32 0.58 -> 0.36, 12 -> 64 1.08 -> 0.86, 32 -> 64 2.82 -> 2.39 ms).
  if (kern.indirect != nullptr && !IsPointwise(g)) {
    Conv2dForwardIndirect(g, kern, x, f, y);
    return;
  }
  const int64_t m = g.batch * g.out_h * g.out_w, k = g.k_h * g.k_w * g.in_c;
  StridedA dense(x, g.in_c, 1);
  PatchRows patches(g, x);
  GemmProblem p;
  p.m = m;
  p.n = g.out_c;
  p.k = k;
  // A 1x1 stride-1 conv is a plain GEMM on x viewed as [N*H*W, C].
  p.a = IsPointwise(g) ? static_cast<const APacker*>(&dense) : &patches;
  p.b = f;
  p.b_row_stride = g.out_c;
  p.c = y;
  p.ldc = g.out_c;
  Gemm(p);
}

void Conv2dBackpropFilter(const ConvGeom& g, const float* x, const float* dy, float* df) {
  const int64_t m = g.k_h * g.k_w * g.in_c, k = g.batch * g.out_h * g.out_w;
  PatchColumns patches(g, x);
  StridedA dense(x, 1, g.in_c);
  GemmProblem p;
  p.m = m;
  p.n = g.out_c;
  p.k = k;
  p.a = IsPointwise(g) ? static_cast<const APacker*>(&dense) : &patches;
  p.b = dy;
  p.b_row_stride = g.out_c;
  p.c = df;
  p.ldc = g.out_c;
  // The reduction runs over every output pixel of the batch while df is small:
  // split it into chunks fixed by the shapes (not the threads) so all threads
  // help, keeping the partial results under ~64 MiB.
  const int64_t allowed = std::max<int64_t>(1, (int64_t{1} << 24) / std::max<int64_t>(1, m * g.out_c));
  p.k_chunk = std::max<int64_t>(2048, (k + allowed - 1) / allowed);
  Gemm(p);
}

void Conv2dBackpropInput(const ConvGeom& g, const float* dy, const float* f, float* dx) {
  const GemmKernel& kern = ActiveGemmKernel();
  // The output channels of that convolution are x's: with fewer than half a
  // register tile of them, most of each tile would be wasted (12 channels:
  // 1.67 -> 1.98 ms), so those keep col2im.
  if (kern.indirect != nullptr && g.stride_h == 1 && g.stride_w == 1 && !IsPointwise(g) && 2 * g.in_c >= kern.nr) {
    // With unit strides the input gradient is itself a convolution: of dy with
    // the filter turned 180 degrees and its channel axes swapped, padded by
    // (k - 1) * dilation minus the forward padding on each side. That runs on
    // the indirect forward path, with no patch-gradient matrix and no col2im
    // (2 threads: bench shape [32,28,28,32] 3x3 <- 64 3.34 -> 1.98 ms, one
    // thread 5.99 -> 3.88 ms; [64,14,14,16] <- 32 0.77 -> 0.54 ms). Each dx
    // element is one microkernel call over every tap and channel.
    std::vector<float> turned(static_cast<size_t>(g.k_h * g.k_w * g.in_c * g.out_c));
    for (int64_t kh = 0; kh < g.k_h; ++kh) {
      for (int64_t kw = 0; kw < g.k_w; ++kw) {
        const float* src = f + ((g.k_h - 1 - kh) * g.k_w + (g.k_w - 1 - kw)) * g.in_c * g.out_c;
        float* out = turned.data() + (kh * g.k_w + kw) * g.out_c * g.in_c;
        for (int64_t o = 0; o < g.out_c; ++o) {
          for (int64_t c = 0; c < g.in_c; ++c) out[o * g.in_c + c] = src[c * g.out_c + o];
        }
      }
    }
    ConvGeom t = g;
    t.in_h = g.out_h;
    t.in_w = g.out_w;
    t.in_c = g.out_c;
    t.out_h = g.in_h;
    t.out_w = g.in_w;
    t.out_c = g.in_c;
    t.pad_top = (g.k_h - 1) * g.dil_h - g.pad_top;
    t.pad_left = (g.k_w - 1) * g.dil_w - g.pad_left;
    t.pad_bottom = (g.k_h - 1) * g.dil_h - g.pad_bottom;
    t.pad_right = (g.k_w - 1) * g.dil_w - g.pad_right;
    Conv2dForwardIndirect(t, kern, dy, turned.data(), dx);
    return;
  }
  const int64_t kk = g.k_h * g.k_w * g.in_c, pixels = g.out_h * g.out_w;
  GemmProblem p;
  p.n = kk;
  p.k = g.out_c;
  // B = f^T: element (o, j) of the [O, K] matrix is f[j * O + o].
  p.b = f;
  p.b_row_stride = 1;
  p.b_col_stride = g.out_c;
  p.ldc = kk;
  if (IsPointwise(g)) {
    StridedA a(dy, g.out_c, 1);
    p.m = g.batch * pixels;
    p.a = &a;
    p.c = dx;
    Gemm(p);
    return;
  }
  // Whole images per chunk, about 1 MiB of patch gradients, so that col2im
  // reads them back from L2 instead of memory (measured on [32,28,28,32] 3x3
  // -> 64, one busy core: 112 GFLOP/s, against 79 with 16 MiB chunks).
  const int64_t per_image = pixels * kk;
  const int64_t images = std::max<int64_t>(1, std::min<int64_t>(g.batch, (int64_t{1} << 18) / std::max<int64_t>(1, per_image)));
  std::vector<float> dcol(static_cast<size_t>(images * per_image));
  for (int64_t n0 = 0; n0 < g.batch; n0 += images) {
    const int64_t count = std::min(images, g.batch - n0);
    StridedA a(dy + n0 * pixels * g.out_c, g.out_c, 1);
    p.m = count * pixels;
    p.a = &a;
    p.c = dcol.data();
    Gemm(p);
    Col2Im(g, dcol.data(), n0, count, dx);
  }
}

}  // namespace bw

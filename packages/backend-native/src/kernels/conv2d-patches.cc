#include "kernels/conv2d-patches.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/copy.h"
#include "kernels/pack.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Largest MR of the microkernels (AVX-512: 12) fits: PatchRows keeps per-row state for as many.
constexpr int kMaxMr = 32;

}  // namespace

void PatchRows::Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const {
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

void PatchColumns::Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const {
  const ConvGeom& g = g_;
  // Per pixel of this k block, computed once for all slivers: where its
  // window starts and which image it is in.
  // run: how many pixels from this one on lie along its output row, in this block.
  thread_local std::vector<int64_t> pixel;
  pixel.resize(static_cast<size_t>(4 * kc));
  int64_t* base_h = pixel.data();
  int64_t* base_w = base_h + kc;
  int64_t* image = base_w + kc;
  int64_t* run = image + kc;
  {
    int64_t ow = k0 % g.out_w, oh = (k0 / g.out_w) % g.out_h, n = k0 / (g.out_w * g.out_h);
    for (int64_t k = 0; k < kc; ++k) {
      base_h[k] = oh * g.stride_h - g.pad_top;
      base_w[k] = ow * g.stride_w - g.pad_left;
      image[k] = n * g.in_h * g.in_w * g.in_c;
      run[k] = std::min(g.out_w - ow, kc - k);
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
      // A run of pixels along an output row reads x at one input row, stride_w
      // pixels apart: the columns inside the image are found once per run, and
      // the copies between them need no checks.
      const float* x0 = x_ + chan[0];
      const int64_t sw = g.stride_w, step = sw * g.in_c;
      for (int64_t k = 0; k < kc;) {
        const int64_t len = run[k], ih = base_h[k] + off_h[0], iw0 = base_w[k] + off_w[0];
        float* dk = d + k * mr;
        int64_t lo = len, hi = len;
        if (ih >= 0 && ih < g.in_h) {
          lo = iw0 >= 0 ? 0 : std::min(len, (-iw0 + sw - 1) / sw);
          hi = iw0 > g.in_w - 1 ? lo : std::max(lo, std::min(len, (g.in_w - 1 - iw0) / sw + 1));
        }
        if (lo > 0) ZeroFloats(dk, lo * mr);
        if (hi > lo) {
          const float* src = x0 + image[k] + (ih * g.in_w + iw0 + lo * sw) * g.in_c;
          if (mr == 4) {
            for (int64_t q = lo; q < hi; ++q, src += step) CopyFloats(dk + q * 4, src, 4);
          } else {
            for (int64_t q = lo; q < hi; ++q, src += step) CopyFloats(dk + q * mr, src, mr);
          }
        }
        if (len > hi) ZeroFloats(dk + hi * mr, (len - hi) * mr);
        k += len;
      }
      continue;
    }
    // A sliver spanning several taps (few channels): for a pixel whose whole
    // window is inside the image, each row is a fixed offset from the
    // window's corner, with no bounds checks.
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

}  // namespace bw

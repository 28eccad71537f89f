#include "kernels/conv2d-patches.h"

#include <algorithm>
#include <cstring>
#include <vector>

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

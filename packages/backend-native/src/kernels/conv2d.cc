// Convolutions as implicit GEMMs: the image patches (im2col) are gathered
// directly into the GEMM's packed A panels (conv2d-patches.cc), or read in
// place by an indirect microkernel (conv2d-indirect.cc), so no patch matrix is
// ever stored. This file picks the path for each call.
//   forward:        y[M=N*OH*OW, O]   = patches[M, K=KH*KW*C] * f[K, O]
//   filter grad:    df[K, O]          = patches^T[K, M] * dy[M, O], its
//                   microkernel reading the patches from a padded copy of x
//   input grad:     dcol[M, K]        = dy[M, O] * f^T[O, K], then a gather
//                   (col2im) adds each patch element back onto dx.
#include "kernels/conv2d.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/conv2d-direct.h"
#include "kernels/conv2d-indirect.h"
#include "kernels/conv2d-patches.h"
#include "kernels/conv2d-rows.h"
#include "kernels/conv2d-winograd.h"
#include "kernels/gemm.h"
#include "runtime/kernel-table.h"

namespace bw {
namespace {

constexpr int64_t kDirectMaxChannels = 16;

bool IsPointwise(const ConvGeom& g) {
  return g.k_h == 1 && g.k_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.out_h == g.in_h && g.out_w == g.in_w;
}

// Output rows of the packed-GEMM path: A's rows (output pixels) seen from i0.
class OffsetPacker final : public APacker {
 public:
  OffsetPacker(const APacker& base, int64_t offset) : base_(base), offset_(offset) {}
  void Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const override {
    base_.Pack(i0 + offset_, mc, k0, kc, mr, dst);
  }

 private:
  const APacker& base_;
  int64_t offset_;
};

class GemmRows final : public ConvRows {
 public:
  GemmRows(const ConvGeom& g, const float* x, const float* f) : g_(g), f_(f), dense_(x, g.in_c, 1), patches_(g_, x) {}
  void Rows(int64_t i0, int64_t rows, float* dst) const override {
    const OffsetPacker a(IsPointwise(g_) ? static_cast<const APacker&>(dense_) : patches_, i0);
    GemmProblem p;
    p.m = rows;
    p.n = g_.out_c;
    p.k = g_.k_h * g_.k_w * g_.in_c;
    p.a = &a;
    p.b = f_;
    p.b_row_stride = g_.out_c;
    p.c = dst;
    p.ldc = g_.out_c;
    Gemm(p);
  }

 private:
  ConvGeom g_;
  const float* f_;
  StridedA dense_;
  PatchRows patches_;
};

// The forward convolution whose output is g's input gradient, for unit
// strides: dy as its input, dx as its output, the padding mirrored.
ConvGeom TurnedGeom(const ConvGeom& g) {
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
  return t;
}

// Its filter: f [k_h, k_w, in_c, out_c] turned 180 degrees, channel axes
// swapped, as [k_h, k_w, out_c, in_c].
std::vector<float> TurnedFilter(const ConvGeom& g, const float* f) {
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
  return turned;
}

}  // namespace

bool UsesDirectRows(const ConvGeom& g) { return !UseWinograd(g) && g.in_c <= kDirectMaxChannels; }

std::unique_ptr<ConvRows> MakeConvRows(const ConvGeom& g, const float* x, const float* f) {
  const GemmKernel& kern = Kernels().gemm;
  if (UseWinograd(g)) return std::make_unique<WinogradRows>(g, kern, x, f);
  if (UsesDirectRows(g)) return std::make_unique<DirectRows>(g, Kernels().conv, x, f);
  if (kern.indirect != nullptr && !IsPointwise(g)) return std::make_unique<IndirectRows>(g, kern, x, f);
  return std::make_unique<GemmRows>(g, x, f);
}

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
  const GemmKernel& kern = Kernels().gemm;
  // 3x3 stride 1 with enough channels: 16 products per 2x2 output tile and
  // channel pair instead of 36 (figures in docs/backend-native/design.md).
  if (UseWinograd(g)) {
    Conv2dForwardWinograd(g, kern, x, f, y);
    return;
  }
  // Few input channels: one pointer per pixel and fixed tap offsets into a
  // padded copy, instead of one pointer per tap and pixel feeding in_c
  // multiply-adds: faster up to 16 input channels, and for 1x1 convs than the
  // plain GEMM; from 32 channels on the indirect kernel was faster (figures in
  // docs/backend-native/design.md).
  if (g.in_c <= kDirectMaxChannels) {
    Conv2dForwardDirect(g, Kernels().conv, x, f, y);
    return;
  }
  // Indirect wherever the ISA has the microkernel: it beat the packed path at
  // every channel count measured (docs/backend-native/design.md).
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
  // Read in place from a padded copy of x (conv2d-direct.cc). The packed
  // im2col GEMM it replaced spent half its time packing patches, since each
  // packed value fed only out_c multiply-adds (figures in
  // docs/backend-native/design.md).
  if (Kernels().conv.filter_grad != nullptr) {
    Conv2dBackpropFilterDirect(g, Kernels().conv, x, dy, df);
    return;
  }
  // Without that microkernel (SIMD128's 16 registers hold no tile large enough
  // to feed it from dy and x in place): df = patches^T * dy as a GEMM over the
  // packed transposed patch matrix, the reduction over pixels cut into chunks
  // fixed by the shapes (not the threads), partial results under ~64 MiB.
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
  const int64_t allowed = std::max<int64_t>(1, (int64_t{1} << 24) / std::max<int64_t>(1, m * g.out_c));
  p.k_chunk = std::max<int64_t>(2048, (k + allowed - 1) / allowed);
  Gemm(p);
}

void Conv2dBackpropInput(const ConvGeom& g, const float* dy, const float* f, float* dx) {
  const GemmKernel& kern = Kernels().gemm;
  // With unit strides the input gradient is itself a convolution: of dy with
  // the filter turned 180 degrees and its channel axes swapped, padded by
  // (k - 1) * dilation minus the forward padding on each side ('same' stays
  // 'same', 'valid' becomes 'full'). That runs on a forward path, with no
  // patch-gradient matrix and no col2im (figures in docs/backend-native/design.md).
  if (g.stride_h == 1 && g.stride_w == 1 && !IsPointwise(g)) {
    const ConvGeom t = TurnedGeom(g);
    // 3x3 with enough channels: Winograd, as for the forward.
    const bool winograd = UseWinograd(t);
    // Otherwise the indirect kernel, each dx element one microkernel call over
    // every tap and channel. Its output channels are x's: with fewer than half
    // a register tile of them, most of each tile would be wasted (it was
    // slower at 12 channels), so those keep col2im.
    const bool indirect = kern.indirect != nullptr && 2 * g.in_c >= kern.nr;
    if (winograd || indirect) {
      const std::vector<float> turned = TurnedFilter(g, f);
      if (winograd) {
        Conv2dForwardWinograd(t, kern, dy, turned.data(), dx);
      } else {
        Conv2dForwardIndirect(t, kern, dy, turned.data(), dx);
      }
      return;
    }
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
  // reads them back from L2 instead of memory (docs/backend-native/design.md).
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

// 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3)
// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
// each 2x2 block of output pixels (a tile) is 16 products per channel pair
// instead of 36, as 16 GEMMs [tiles, in_c] x [in_c, out_c] between an input
// and an output transform. The fused inference with a 2x2 pool (PooledTiles)
// also takes F(4x4, 3x3): 36 products per 4x4 tile instead of 64.
#pragma once

#include <memory>
#include <vector>

#include "kernels/conv2d.h"
#include "kernels/conv2d-rows.h"
#include "kernels/gemm.h"
#include "kernels/winograd-filter-cache.h"
#include "kernels/winograd-transforms.h"

namespace bw {

// Whether g takes the Winograd path: a 3x3 window, unit strides and
// dilations, enough channels on both sides for the GEMMs to pay for the
// transforms, and the switch (BATCHWISE_CONV_WINOGRAD=0 turns it off, for
// tests and comparisons) on. Never depends on the batch, so an image's bits
// do not depend on the batch it is predicted in.
bool UseWinograd(const ConvGeom& g);
// Whether the Winograd path may also take F(4x4, 3x3) tiles (PooledTiles):
// with enough input channels that its larger rounding errors stay well
// within conformance's tolerance.
bool UseWinograd4x4(const ConvGeom& g);

// The Winograd forward prepared once: the filter transformed and packed into NR slivers.
class WinogradRows final : public ConvRows {
 public:
  // With `with_4x4`, the F(4x4, 3x3) filter too, for PooledTiles' whole 4x4 tiles.
  WinogradRows(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, bool with_4x4 = false);
  // Computes the whole 2x2 tiles covering the range and stores the range's
  // pixels only, so each pixel's bits are the same however the pixels are split.
  void Rows(int64_t i0, int64_t rows, float* dst) const override;
  // Two output rows: ranges of whole tile rows waste no tiles.
  int64_t Granule() const override { return 2 * g_.out_w; }
  // The units PooledTiles splits a pooled output of pooled_h x pooled_w per
  // image into: with the F(4x4) filter, first every image's 4x4 tiles (2x2
  // pooled pixels each, F(4x4): 36 products for 16 outputs instead of 64),
  // then every image's other pooled pixels (F(2x2) tiles, one pooled pixel
  // each); without it, the pooled pixels alone.
  int64_t PooledUnits(int64_t pooled_h, int64_t pooled_w) const;
  // Units [u0, u1) of a 2x2 stride-2 max pool without padding whose windows
  // all lie in the conv output, on relu(batch norm(conv)), k's arrays out_c
  // floats each, into y (pooled_h x pooled_w x out_c per image): each window
  // is pooled as the output transform finishes its tile. Which tiling makes a
  // pixel depends on its position only, so any split of the units, and any
  // batch, gives the same bits.
  void PooledTiles(int64_t u0, int64_t u1, int64_t pooled_h, int64_t pooled_w, const WinogradBnCoeffs& k,
                   float* y) const;
  // Whole tile rows holding a multiple of MR tiles (no idle microkernel row
  // when ranges are multiples of it), at least two tiles of MR rows.
  int64_t MinRows() const override;

 private:
  // Input transform and products of `count` tiles into the block buffers v and
  // m: F(2x2) tiles (ids (n * tiles_h + th) * tiles_w + tw), or with `big`
  // F(4x4) ones (ids (n * tiles4_h + th) * tiles4_w + tw, tiles4 = ceil(out / 4)).
  void Products(int64_t count, const int64_t* id, bool big, float* v, float* m) const;
  // Which pooled pixels an image's F(4x4) tiles make: the whole tiles over
  // pooled rows [0, big_h) x columns [0, big_w), and with `corner` one more
  // over the last pooled pixel alone (odd pooled sides). The corner is taken
  // when the F(2x2) tiles would otherwise be whole microkernel tiles and one
  // (a batch of one's lone tile, the row kernel's latency-bound chains) and
  // the F(4x4) tiles leave a spare microkernel row for it.
  struct PooledLayout {
    int64_t big_h, big_w, bigs, smalls;
    bool corner;
  };
  PooledLayout Layout(int64_t pooled_h, int64_t pooled_w) const;
  // F(4x4) tiles [b0, b1) (PooledTiles' first units).
  void PooledBigTiles(int64_t b0, int64_t b1, int64_t pooled_h, int64_t pooled_w, const PooledLayout& l,
                      const WinogradBnCoeffs& k, float* y) const;

  ConvGeom g_;
  GemmKernel kern_;
  const float* x_;
  int64_t tiles_h_, tiles_w_, slivers_;
  std::vector<float> zeros_;
  // U = G f G^T as [16][slivers][in_c][NR] (WinogradFilterCached), and its
  // floats; with the F(4x4) filter, its [36][slivers][in_c][NR] after them (u4_, else null).
  std::shared_ptr<const AlignedFloats> packed_;
  const float* u_;
  const float* u4_;
};

void Conv2dForwardWinograd(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y);

}  // namespace bw

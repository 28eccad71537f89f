// A forward convolution prepared once (filter packed, input padded), whose
// output pixels can then be computed in any ranges, on any thread: the fused
// kernels compute a few rows into cache and finish them there. Each output
// element is one microkernel call whatever the range, so the bits do not
// depend on how the pixels are split.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/conv2d.h"

namespace bw {

class ConvRows {
 public:
  virtual ~ConvRows() = default;
  // Output pixels [i0, i0 + rows) (flat over batch, out_h, out_w) into dst, out_c floats per pixel.
  virtual void Rows(int64_t i0, int64_t rows, float* dst) const = 0;
  // Ranges starting at a multiple of this many pixels waste no work (Winograd's tile rows).
  virtual int64_t Granule() const { return 1; }
  // Fewest pixels per call that keep the microkernel's tiles full.
  virtual int64_t MinRows() const { return 1; }
};

// The path Conv2dForward would take for g: Winograd for 3x3 stride-1 windows
// with enough channels, direct for few input channels, indirect where the ISA
// has it, the packed GEMM otherwise.
// Whether MakeConvRows(g, ...) is a DirectRows (few input channels).
bool UsesDirectRows(const ConvGeom& g);

std::unique_ptr<ConvRows> MakeConvRows(const ConvGeom& g, const float* x, const float* f);

}  // namespace bw

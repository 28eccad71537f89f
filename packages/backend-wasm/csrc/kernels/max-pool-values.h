// maxPool's y alone, for inference (no gradient will read an argmax): the
// values maxPool (kernels/max-pool.h) writes, bit for bit, in a pass that
// writes no indices and, on the common whole 2x2 window, compares with one
// SIMD128 max per pair.
#pragma once

#include "kernels/conv2d.h"

namespace bw {

void MaxPoolValues(const ConvGeom& g, const float* x, float* y);

}  // namespace bw

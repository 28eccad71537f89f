// Forward convolution as an indirect GEMM: no patch is ever packed.
#pragma once

#include "kernels/conv2d.h"
#include "kernels/gemm.h"

namespace bw {

// y = conv(x, f) through kern.indirect, which must not be null.
void Conv2dForwardIndirect(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y);

}  // namespace bw

// The per-output-row loop of maxPool, compiled per ISA (max-pool.cc holds the
// scalar one, max-pool_avx2.cc and max-pool_avx512.cc the SIMD ones, each with
// its own flags). Plain functions and intrinsics only, no templates or std::
// helpers in the SIMD files: an inline function instantiated with -mavx512f
// could be picked by the linker for the scalar path too.
#pragma once

#include <cstdint>

#include "kernels/conv2d.h"

namespace bw {

// Writes y and argmax for output row `row` (= n * out_h + oh), every column and channel;
// `prefetch` asks the SIMD variants to prefetch the windows of later rows.
// Every variant makes the same choice per element: the window's first real element,
// replaced only by a strictly larger value or by a NaN when the best is not NaN.
using MaxPoolRowFn = void (*)(const ConvGeom& g, const float* x, float* y, int32_t* argmax, int64_t row, bool prefetch);

struct MaxPoolRows {
  const char* name;
  MaxPoolRowFn row;
};

MaxPoolRows MaxPoolRowsScalar();
MaxPoolRows MaxPoolRowsAvx2();
MaxPoolRows MaxPoolRowsAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
MaxPoolRows MaxPoolRowsWasm();

}  // namespace bw

// The input and output transforms of Winograd's F(2x2, 3x3) (conv2d-winograd.cc),
// compiled per ISA from winograd-transforms.inc: vectors across channels.
#pragma once

#include <cstdint>

namespace bw {

// Input: for one tile, d[i * 4 + j] points at the C channels of input pixel
// (i, j) of its 4x4 window (or at zeros); position k of V = B^T d B goes to
// v + k * vs, with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
using WinogradInputFn = void (*)(const float* const* d, int64_t C, float* v, int64_t vs);
// Output: for one tile, m + k * ms holds the O products at position k; output
// pixel (a, b) of Y = A^T m A goes to y[a * 2 + b], with A^T = [1 1 1 0; 0 1 -1 -1].
using WinogradOutputFn = void (*)(const float* m, int64_t ms, int64_t O, float* const* y);

// Filter: U = G f G^T for every channel pair of f [3, 3, C, O], in float32
// (each element a sum of at most nine terms of f times 1, 1/2 or 1/4), with
// G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]. Position k, output channel
// o = js * nr + j goes to u[k * stride + (js * C + c) * nr + j] (stride at
// least slivers * C * nr); columns past O are left as they are (zeros).
using WinogradFilterFn = void (*)(const float* f, int64_t C, int64_t O, int64_t nr, int64_t stride, float* u);

// Output finished by batch norm, ReLU and a 2x2 max pool over the tile: the
// output transform's four pixels, then y[o] = relu(((best - center[o]) -
// center_lo[o]) * scale[o] + shift[o]) with best the max-select of
// PoolWindowValue (bn-relu-rows.inc) on pixel * sign[o]: the bits of
// normalizing each pixel and pooling after.
struct WinogradBnCoeffs {
  const float* center;
  const float* center_lo;
  const float* scale;
  const float* shift;
  const float* sign;
};
using WinogradOutputPoolFn = void (*)(const float* m, int64_t ms, int64_t O, const WinogradBnCoeffs& k, float* y);

// F(4x4, 3x3) with interpolation points 0, 1, -1, 1/2, -2 and infinity (the
// points 2 and -2 of Lavin and Gray's set have larger constants: float32
// errors about 2.5 times as large). 36 positions a tile of 4x4 output pixels.
//
// Filter: U = G f G^T, G = [1 0 0; 1/3 1/3 1/3; -1/3 1/3 -1/3;
// -16/15 -8/15 -4/15; 1/15 -2/15 4/15; 0 0 1], computed in float64 and
// rounded once; laid out as WinogradFilterFn's with 36 positions.
using WinogradFilter4Fn = WinogradFilterFn;
// Input: d[i * 6 + j] points at input pixel (i, j) of the tile's 6x6 window;
// position k of V = B^T d B goes to v + k * vs, with B^T's rows
// [1 -3/2 -2 3/2 1 0], [0 -1 1/2 5/2 1 0], [0 1 -5/2 1/2 1 0],
// [0 -2 -1 2 1 0], [0 1/2 -1 -1/2 1 0], [0 1 -3/2 -2 3/2 1].
using WinogradInput4Fn = WinogradInputFn;
// Output: Y = A^T m A, A^T = [1 1 1 1 1 0; 0 1 -1 1/2 -2 0; 0 1 1 1/4 4 0;
// 0 1 -1 1/8 -8 1], finished as WinogradOutputPoolFn's per 2x2 window: pooled
// pixel (a, b) of the tile (its output pixels 2a..2a+1 x 2b..2b+1) to y[a * 2 + b].
using WinogradOutputPool4Fn = void (*)(const float* m, int64_t ms, int64_t O, const WinogradBnCoeffs& k,
                                       float* const* y);

struct WinogradTransforms {
  WinogradFilterFn filter;
  WinogradInputFn input;
  WinogradOutputFn output;
  WinogradOutputPoolFn output_pool;
  WinogradFilter4Fn filter4;
  WinogradInput4Fn input4;
  WinogradOutputPool4Fn output_pool4;
  const char* name;
};

WinogradTransforms WinogradTransformsScalar();
WinogradTransforms WinogradTransformsAvx2();
WinogradTransforms WinogradTransformsAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
WinogradTransforms WinogradTransformsWasm();

}  // namespace bw

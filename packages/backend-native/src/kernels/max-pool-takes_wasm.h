// Max pooling's rule in WebAssembly SIMD128, for every wasm kernel that pools
// (max-pool_wasm.cc, bn-relu-rows_wasm.cc, backend-wasm's max-pool-values.cc):
// the candidate v replaces the best when the best is not NaN and !(v <= best)
// (max-pool-rows.h). Over a window it picks the first NaN, else the first
// maximum, so any grouping of the window in order picks the same.
#pragma once

#include <wasm_simd128.h>

namespace bw {

// Lanes where candidate v replaces the incumbent best.
inline v128_t Takes(v128_t v, v128_t best) { return wasm_v128_andnot(wasm_f32x4_eq(best, best), wasm_f32x4_le(v, best)); }

}  // namespace bw

// Batch-norm rows for WebAssembly SIMD128 (f32x4 and f64x2 lanes), vectorised
// by clang from batch-norm-rows.inc. Blocks of 8 channels: the 16 v128
// registers an engine maps SIMD128 onto on x86-64 then hold both sum chains.
// Compiled only into the wasm32 build (packages/backend-wasm).
#include "kernels/batch-norm-rows.h"

#define BW_SUM_BLOCK 8
#define BW_MAP_BLOCK 16
#define BW_ROWS_GETTER BatchNormRowsWasm
#define BW_ROWS_NAME "wasm-simd128"
#include "kernels/batch-norm-rows.inc"

// WebAssembly SIMD128 build of the optimizer update loops (f32x4.sqrt and
// f32x4.div are correctly rounded, as the other levels' are).
// Compiled only into the wasm32 build (packages/backend-wasm).
#include "kernels/optimizer-rows.h"

#define BW_OPT_GETTER OptimizerRowsWasm
#define BW_OPT_NAME "wasm-simd128"
#include "kernels/optimizer-rows.inc"

// WebAssembly SIMD128 build of the fused batch norm + ReLU (+ max pool) loops,
// vectorised by clang from bn-relu-rows.inc. Blocks of 8 channels, as
// batch-norm-rows_wasm.cc: the engine maps v128 onto 16 registers on x86-64.
// Compiled only into the wasm32 build (packages/backend-wasm).
#include "kernels/bn-relu-rows.h"

#define BW_BN_RELU_GETTER BatchNormReluRowsWasm
#define BW_BN_RELU_NAME "wasm-simd128"
#define BW_BN_RELU_BLOCK 8
#include "kernels/bn-relu-rows.inc"

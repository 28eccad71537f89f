// WebAssembly SIMD128 build (only in @batchwise/backend-wasm) of the Winograd transforms.
#define BW_WINO_GETTER WinogradTransformsWasm
#define BW_WINO_NAME "wasm-simd128"
#define BW_WINO_LANES 4
#include "kernels/winograd-transforms.inc"

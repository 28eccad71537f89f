// AVX2 build of the fused batch norm + ReLU (+ max pool) loops.
#include "kernels/bn-relu-rows.h"

#define BW_BN_RELU_GETTER BatchNormReluRowsAvx2
#define BW_BN_RELU_NAME "avx2"
// 32 channels per block, as AVX-512: at 16 GCC unrolled the whole-block loops
// completely and left them scalar.
#define BW_BN_RELU_BLOCK 32
#include "kernels/bn-relu-rows.inc"

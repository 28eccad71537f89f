// AVX2 build of the fused batch norm + ReLU (+ max pool) loops.
#include "kernels/bn-relu-rows.h"

#define BW_BN_RELU_GETTER BatchNormReluRowsAvx2
#define BW_BN_RELU_NAME "avx2"
#define BW_BN_RELU_BLOCK 16
#include "kernels/bn-relu-rows.inc"

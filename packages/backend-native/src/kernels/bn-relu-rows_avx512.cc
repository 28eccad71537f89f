// AVX-512 build of the fused batch norm + ReLU (+ max pool) loops.
#include "kernels/bn-relu-rows.h"

#define BW_BN_RELU_GETTER BatchNormReluRowsAvx512
#define BW_BN_RELU_NAME "avx512"
#define BW_BN_RELU_BLOCK 32
#include "kernels/bn-relu-rows.inc"

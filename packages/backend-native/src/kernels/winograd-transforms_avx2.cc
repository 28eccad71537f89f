// AVX2 build of the Winograd transforms.
#define BW_WINO_GETTER WinogradTransformsAvx2
#define BW_WINO_NAME "avx2"
#define BW_WINO_LANES 8
#include "kernels/winograd-transforms.inc"

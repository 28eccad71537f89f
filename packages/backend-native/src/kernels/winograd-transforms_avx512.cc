// AVX-512 build of the Winograd transforms.
#define BW_WINO_GETTER WinogradTransformsAvx512
#define BW_WINO_NAME "avx512"
#define BW_WINO_LANES 16
#include "kernels/winograd-transforms.inc"

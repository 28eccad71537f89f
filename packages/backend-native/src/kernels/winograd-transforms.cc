// The baseline build (SSE2 on x86-64, 4 floats) of the Winograd transforms.
#define BW_WINO_GETTER WinogradTransformsScalar
#define BW_WINO_NAME "portable-4"
#define BW_WINO_LANES 4
#include "kernels/winograd-transforms.inc"

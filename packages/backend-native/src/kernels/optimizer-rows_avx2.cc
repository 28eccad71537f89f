// AVX2 build of the optimizer update loops.
#include "kernels/optimizer-rows.h"

#define BW_OPT_GETTER OptimizerRowsAvx2
#define BW_OPT_NAME "avx2"
#include "kernels/optimizer-rows.inc"

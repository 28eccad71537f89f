// AVX-512 build of the optimizer update loops.
#include "kernels/optimizer-rows.h"

#define BW_OPT_GETTER OptimizerRowsAvx512
#define BW_OPT_NAME "avx512"
#include "kernels/optimizer-rows.inc"

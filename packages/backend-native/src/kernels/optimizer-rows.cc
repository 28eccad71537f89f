// Baseline (SSE2) build of the optimizer update loops.
#include "kernels/optimizer-rows.h"

#define BW_OPT_GETTER OptimizerRowsScalar
#define BW_OPT_NAME "scalar"
#include "kernels/optimizer-rows.inc"

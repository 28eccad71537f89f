// Baseline (SSE2) build of the batch-norm row loops.
#include "kernels/batch-norm-rows.h"

#define BW_ROWS_GETTER BatchNormRowsScalar
#define BW_ROWS_NAME "scalar"
#include "kernels/batch-norm-rows.inc"

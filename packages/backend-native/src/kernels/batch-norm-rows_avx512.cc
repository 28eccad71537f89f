// AVX-512 build of the batch-norm row loops.
#include "kernels/batch-norm-rows.h"

#define BW_ROWS_GETTER BatchNormRowsAvx512
#include "kernels/batch-norm-rows.inc"

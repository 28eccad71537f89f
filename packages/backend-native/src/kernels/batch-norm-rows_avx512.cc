// AVX-512 build of the batch-norm row loops.
#include "kernels/batch-norm-rows.h"

#define BW_ROWS_GETTER BatchNormRowsAvx512
#define BW_ROWS_NAME "avx512"
#define BW_SUM_BLOCK 32
#define BW_MAP_BLOCK 32
#include "kernels/batch-norm-rows.inc"

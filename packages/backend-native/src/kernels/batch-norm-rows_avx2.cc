// AVX2 build of the batch-norm row loops (-mavx2 -mfma; -ffp-contract=off keeps a*b+c unfused).
#include "kernels/batch-norm-rows.h"

#define BW_ROWS_GETTER BatchNormRowsAvx2
#define BW_ROWS_NAME "avx2"
#include "kernels/batch-norm-rows.inc"

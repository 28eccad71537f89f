// Baseline (SSE2) build of the batch-norm row loops, and the dispatch.
#include "kernels/batch-norm-rows.h"

#include "runtime/cpu-features.h"

#define BW_ROWS_GETTER BatchNormRowsScalar
#include "kernels/batch-norm-rows.inc"

namespace bw {

const BatchNormRows& ActiveBatchNormRows() {
  static const BatchNormRows rows = [] {
    switch (ActiveIsa()) {
      case Isa::kAvx512: return BatchNormRowsAvx512();
      case Isa::kAvx2: return BatchNormRowsAvx2();
      default: return BatchNormRowsScalar();
    }
  }();
  return rows;
}

}  // namespace bw

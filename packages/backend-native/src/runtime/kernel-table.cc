// The one place that maps the chosen ISA to kernel variants.
#include "runtime/kernel-table.h"

#include <cstdlib>
#include <cstring>

#include "runtime/cpu-features.h"

namespace bw {
namespace {

// BATCHWISE_GEMM_NARROW=0 leaves narrow products on the blocked path, the
// reference test/gemm-paths.test.ts compares the narrow kernel with.
bool NarrowGemmOn() {
  const char* v = std::getenv("BATCHWISE_GEMM_NARROW");
  return v == nullptr || std::strcmp(v, "0") != 0;
}

KernelTable Build() {
  KernelTable t{"scalar",          GemmKernelScalar(),      ConvMicroScalar(),     VecMathScalar(),
                BatchNormRowsScalar(), BatchNormReluRowsScalar(), MaxPoolRowsScalar(), OptimizerRowsScalar(),
                LastLevelCacheBytes(), WinogradTransformsScalar()};
#if defined(__x86_64__) || defined(__i386__)
  switch (ActiveIsa()) {
    case Isa::kAvx512:
      t = {"avx512",         GemmKernelAvx512(),      ConvMicroAvx512(),     VecMathAvx512(),
           BatchNormRowsAvx512(), BatchNormReluRowsAvx512(), MaxPoolRowsAvx512(), OptimizerRowsAvx512(),
           t.last_level_cache_bytes, WinogradTransformsAvx512()};
      if (NarrowGemmOn()) t.gemm.narrow = GemmNarrowAvx512();
      break;
    case Isa::kAvx2:
      t = {"avx2",         GemmKernelAvx2(),      ConvMicroAvx2(),     VecMathAvx2(),
           BatchNormRowsAvx2(), BatchNormReluRowsAvx2(), MaxPoolRowsAvx2(), OptimizerRowsAvx2(),
           t.last_level_cache_bytes, WinogradTransformsAvx2()};
      break;
    case Isa::kScalar:
      break;
  }
#endif
  return t;
}

}  // namespace

const KernelTable& Kernels() {
  static const KernelTable table = Build();
  return table;
}

}  // namespace bw

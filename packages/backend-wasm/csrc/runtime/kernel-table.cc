// The kernel table of the WebAssembly build (runtime/kernel-table.h): one row,
// since the module itself requires SIMD128. The native build's table picks its
// row from CPUID instead (backend-native/src/runtime/kernel-table.cc).
#include "runtime/kernel-table.h"

namespace bw {
namespace {

// Built by the module's static constructors, which run once, on the first
// instance, before any worker exists: no initialisation race between threads.
const KernelTable table = {"wasm-simd128",         GemmKernelWasm(),      ConvMicroWasm(),
                           VecMathWasm(),          BatchNormRowsWasm(),   BatchNormReluRowsWasm(),
                           MaxPoolRowsWasm(),      OptimizerRowsWasm(),   /*last_level_cache_bytes=*/0,
                           WinogradTransformsWasm()};

}  // namespace

const KernelTable& Kernels() { return table; }

}  // namespace bw

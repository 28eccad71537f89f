// The element loops of the in-place optimizer updates (training.cc),
// compiled per ISA like batch-norm-rows.inc: optimizer-rows.inc is included by
// optimizer-rows.cc, _avx2.cc and _avx512.cc, each with its own flags. The
// baseline build ran Adam's sqrt and division four lanes at a time. Every
// variant does the same float operations per element (sqrt and division are
// correctly rounded, no FMA contraction), so the results do not depend on the ISA.
// The arrays never overlap (core's validation refuses shared memory).
#pragma once

#include <cstdint>

namespace bw {

struct OptimizerRows {
  const char* name;
  // m = b1*m + c1*g; v = b2*v + c2*g*g; w -= lr_t * m / (sqrt(v) + eps).
  void (*adam)(int64_t n, float* w, const float* g, float* m, float* v, float lr_t, float b1, float b2, float c1,
               float c2, float eps);
  // v = momentum*v - lr*g; w += v (Nesterov: w += momentum*v - lr*g); v null: w -= lr*g.
  void (*sgd)(int64_t n, float* w, const float* g, float* v, float lr, float momentum, bool nesterov);
};

OptimizerRows OptimizerRowsScalar();
OptimizerRows OptimizerRowsAvx2();
OptimizerRows OptimizerRowsAvx512();
// WebAssembly SIMD128 (*_wasm.cc), built only into @batchwise/backend-wasm.
OptimizerRows OptimizerRowsWasm();

}  // namespace bw

// The kernel variants in use, chosen once at load (XNNPACK's config idiom):
// one struct of function pointers per kernel family, all filled together from
// the CPU detection and BATCHWISE_ISA. Kernels read their family from here and
// never test the ISA themselves, so another variant (a new ISA, or WebAssembly
// SIMD where these sources are compiled for wasm32) is one more row in
// kernel-table.cc, not a switch in every kernel. Portable: no x86 types here.
#pragma once

#include "kernels/batch-norm-rows.h"
#include "kernels/bn-relu-rows.h"
#include "kernels/conv2d-micro.h"
#include "kernels/gemm.h"
#include "kernels/max-pool-rows.h"
#include "kernels/optimizer-rows.h"
#include "kernels/vec-math.h"
#include "kernels/winograd-transforms.h"

namespace bw {

struct KernelTable {
  // The level the variants were built for: 'scalar', 'avx2' or 'avx512'.
  const char* isa;
  GemmKernel gemm;
  ConvMicro conv;
  VecMath vec_math;
  BatchNormRows batch_norm_rows;
  BatchNormReluRows bn_relu_rows;
  MaxPoolRows max_pool_rows;
  OptimizerRows optimizer_rows;
  // Size of the largest cache one core shares (0 when unknown); maxPool
  // prefetches only an input that cannot still be cached.
  long long last_level_cache_bytes;
  WinogradTransforms winograd;
};

// The table, built on first use (the module's load calls it) and then constant.
const KernelTable& Kernels();

}  // namespace bw

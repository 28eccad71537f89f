// WebAssembly SIMD128 arithmetic peak probe for @batchwise/bench: float32
// multiply + add throughput, the most a wasm kernel without FMA can do
// (relaxed-simd's fused form is behind a flag in Node 20). Compiled by the
// bench at run time with clang for wasm32 (no libc) and run in V8 on one
// thread and on every hardware thread; src/machine/wasm-peak.ts times it.
#include <wasm_simd128.h>

// 12 independent chains, as peak.cpp: enough to cover the multiply's and the
// add's latency on every pipe, few enough for V8 to keep them in the 16 xmm
// registers it uses. Distinct start values, or the compiler merges the chains.
// x <- x * m + a with m just under 1 converges to a / (1 - m): no overflow, no denormals.
extern "C" __attribute__((export_name("mul_add"))) float MulAdd(int iters) {
  const v128_t m = wasm_f32x4_splat(0.999999f), a = wasm_f32x4_splat(1e-6f);
  v128_t r0 = wasm_f32x4_splat(0.50f), r1 = wasm_f32x4_splat(0.51f), r2 = wasm_f32x4_splat(0.52f);
  v128_t r3 = wasm_f32x4_splat(0.53f), r4 = wasm_f32x4_splat(0.54f), r5 = wasm_f32x4_splat(0.55f);
  v128_t r6 = wasm_f32x4_splat(0.56f), r7 = wasm_f32x4_splat(0.57f), r8 = wasm_f32x4_splat(0.58f);
  v128_t r9 = wasm_f32x4_splat(0.59f), r10 = wasm_f32x4_splat(0.60f), r11 = wasm_f32x4_splat(0.61f);
#define STEP(r) r = wasm_f32x4_add(wasm_f32x4_mul(r, m), a)
  for (int i = 0; i < iters; i++) {
    STEP(r0); STEP(r1); STEP(r2); STEP(r3); STEP(r4); STEP(r5);
    STEP(r6); STEP(r7); STEP(r8); STEP(r9); STEP(r10); STEP(r11);
  }
#undef STEP
  v128_t t = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(r0, r1), wasm_f32x4_add(r2, r3)),
                            wasm_f32x4_add(wasm_f32x4_add(r4, r5), wasm_f32x4_add(r6, r7)));
  t = wasm_f32x4_add(t, wasm_f32x4_add(wasm_f32x4_add(r8, r9), wasm_f32x4_add(r10, r11)));
  return wasm_f32x4_extract_lane(t, 0);
}

// Flops per iteration of MulAdd's loop: 12 chains x 4 lanes x (a multiply and an add).
extern "C" __attribute__((export_name("flops_per_iter"))) int FlopsPerIter() { return 12 * 4 * 2; }

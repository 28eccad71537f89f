// WebAssembly SIMD128 primitives of the array math (vec-math.inc), 4 floats
// per vector. SIMD128 has no fused multiply-add, so Fma rounds twice (one more
// half-ulp per step; max relative error of exp stays below conformance's
// 1e-6). Min/Max follow x86's NaN rule through the pseudo-minimum/maximum with
// swapped operands. Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include "kernels/vec-math.h"

namespace bw {
namespace {

using V = v128_t;
using VI = v128_t;
constexpr int64_t kLanes = 4;

static inline V Set(float v) { return wasm_f32x4_splat(v); }
static inline V Add(V a, V b) { return wasm_f32x4_add(a, b); }
static inline V Sub(V a, V b) { return wasm_f32x4_sub(a, b); }
static inline V Mul(V a, V b) { return wasm_f32x4_mul(a, b); }
static inline V Div(V a, V b) { return wasm_f32x4_div(a, b); }
static inline V Fma(V a, V b, V c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
// pmin(x, y) = y < x ? y : x, so pmin(b, a) = a < b ? a : b: b when either is NaN (x86's minps).
static inline V Min(V a, V b) { return wasm_f32x4_pmin(b, a); }
static inline V Max(V a, V b) { return wasm_f32x4_pmax(b, a); }
static inline V RoundNearest(V v) { return wasm_f32x4_nearest(v); }
static inline VI ToInt(V v) { return wasm_i32x4_trunc_sat_f32x4(v); }
static inline VI SubI(VI a, VI b) { return wasm_i32x4_sub(a, b); }
static inline VI HalfI(VI a) { return wasm_i32x4_shr(a, 1); }
static inline V Pow2(VI e) { return wasm_i32x4_shl(wasm_i32x4_add(e, wasm_i32x4_splat(127)), 23); }
static inline V SignBits(V v) { return wasm_v128_and(v, wasm_i32x4_splat(static_cast<int32_t>(0x80000000u))); }
static inline V Abs(V v) { return wasm_f32x4_abs(v); }
static inline V Or(V a, V b) { return wasm_v128_or(a, b); }
static inline V SelectGe(V a, V b, V yes, V no) { return wasm_v128_bitselect(yes, no, wasm_f32x4_ge(a, b)); }
static inline V Load(const float* p) { return wasm_v128_load(p); }
static inline void Store(float* p, V v) { wasm_v128_store(p, v); }
static inline V LoadPartial(const float* p, int64_t n) {
  float in[kLanes] = {};
  for (int64_t k = 0; k < n; ++k) in[k] = p[k];
  return wasm_v128_load(in);
}
static inline void StorePartial(float* p, int64_t n, V v) {
  float out[kLanes];
  wasm_v128_store(out, v);
  for (int64_t k = 0; k < n; ++k) p[k] = out[k];
}

}  // namespace
}  // namespace bw

#define BW_VEC_MATH_GETTER VecMathWasm
#define BW_VEC_MATH_NAME "wasm-simd128"
#include "kernels/vec-math.inc"

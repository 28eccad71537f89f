// The whole-2x2-window rows of max pooling in WebAssembly SIMD128, shared by
// maxPool (max-pool_wasm.cc, with the argmax) and maxPoolInference
// (backend-wasm's max-pool-values.cc, values only). One output row: every
// window whole inside x, C % 4 == 0, 4 channels per vector (C is contiguous
// in NHWC). The whole module is built with -msimd128, so templates here are
// safe (unlike the x86 ISA files, see max-pool-rows.h).
//
// Without NaNs the rule (max-pool-takes_wasm.h) makes the winner the first
// window element equal to the maximum, so the values are a pmax tree: b
// replaces a only when a < b, ties keep the first, -0 before +0 stays -0.
// pmax(a, b) returns a when a is NaN, so a NaN in x0 comes out of the tree
// as the rule wants (the first NaN, bits kept); a NaN in x1, x2 or x3 is lost
// there and is what the running sum catches: a NaN among those makes it NaN
// (so does an infinity, or an overflow: false alarms that only cost the
// exact path). Then the row returns false and the caller redoes it exactly.
//
// Speed comes from what V8 makes of the loops (docs/backend-wasm/measurements.md):
// with the channel count a compile-time constant every load is one pointer
// plus a constant offset, which V8 folds into the x86 address; KeepAddress
// stops clang from rewriting those pointers into separate induction
// variables (each then costs V8 an extra lea per load); two windows per step
// keep the loop short enough that V8 does not spill.
#pragma once

#include <wasm_simd128.h>

#include <cstdint>
#include <type_traits>

namespace bw {
namespace pool2x2 {

// An empty asm that clang must assume changes p: the loads below stay
// "p + constant" instead of being rewritten from other induction variables.
template <typename T>
inline void KeepAddress(T*& p) {
  __asm__("" : "+r"(p));
}

// The window whose top-left vector is at a (its bottom row at b), `right`
// floats between horizontal neighbours: the pmax tree, and the lanes of x1,
// x2, x3 added into *nan (x0's NaN already wins through the tree).
inline v128_t Values(const float* a, const float* b, int32_t right, v128_t* nan) {
  const v128_t x0 = wasm_v128_load(a), x1 = wasm_v128_load(a + right);
  const v128_t x2 = wasm_v128_load(b), x3 = wasm_v128_load(b + right);
  *nan = wasm_f32x4_add(*nan, wasm_f32x4_add(wasm_f32x4_add(x1, x2), x3));
  return wasm_f32x4_pmax(wasm_f32x4_pmax(x0, x1), wasm_f32x4_pmax(x2, x3));
}

// Whether the running sums saw no NaN or infinity.
inline bool Clean(v128_t nan0, v128_t nan1) {
  const v128_t sum = wasm_f32x4_add(nan0, nan1);
  // sum - sum is +0 (no bits set) unless sum is NaN or infinite.
  return !wasm_v128_any_true(wasm_f32x4_sub(sum, sum));
}

// Values only, kC channels (a multiple of 8) known at compile time.
template <int32_t kC>
bool ValuesRowFixed(const float* top, const float* bottom, float* out, int32_t out_w, int32_t step) {
  v128_t nan0 = wasm_f32x4_splat(0.0f), nan1 = nan0;
  for (int32_t ow = 0; ow < out_w; ++ow, top += step, bottom += step) {
    const float* a = top;
    const float* b = bottom;
    float* const end = out + kC;
#pragma clang loop unroll(disable)
    for (; out != end; a += 8, b += 8, out += 8) {
      KeepAddress(a);
      KeepAddress(b);
      KeepAddress(out);
      wasm_v128_store(out, Values(a, b, kC, &nan0));
      wasm_v128_store(out + 4, Values(a + 4, b + 4, kC, &nan1));
    }
  }
  return Clean(nan0, nan1);
}

// Values only, any C % 4 == 0.
inline bool ValuesRowAny(const float* top, const float* bottom, float* out, int32_t out_w, int32_t C, int32_t step) {
  v128_t nan0 = wasm_f32x4_splat(0.0f), nan1 = nan0;
  for (int32_t ow = 0; ow < out_w; ++ow, top += step, bottom += step) {
    for (int32_t c = 0; c < C; c += 4, out += 4) wasm_v128_store(out, Values(top + c, bottom + c, C, &nan0));
  }
  return Clean(nan0, nan1);
}

// fixed(k) with k a std::integral_constant for the channel counts compiled
// as fixed rows (the usual ones: multiples of 8 up to 512), else any().
template <class Fixed, class Any>
inline bool ByChannels(int32_t C, Fixed fixed, Any any) {
  switch (C) {
    case 8: return fixed(std::integral_constant<int32_t, 8>{});
    case 16: return fixed(std::integral_constant<int32_t, 16>{});
    case 24: return fixed(std::integral_constant<int32_t, 24>{});
    case 32: return fixed(std::integral_constant<int32_t, 32>{});
    case 48: return fixed(std::integral_constant<int32_t, 48>{});
    case 64: return fixed(std::integral_constant<int32_t, 64>{});
    case 96: return fixed(std::integral_constant<int32_t, 96>{});
    case 128: return fixed(std::integral_constant<int32_t, 128>{});
    case 192: return fixed(std::integral_constant<int32_t, 192>{});
    case 256: return fixed(std::integral_constant<int32_t, 256>{});
    case 384: return fixed(std::integral_constant<int32_t, 384>{});
    case 512: return fixed(std::integral_constant<int32_t, 512>{});
    default: return any();
  }
}

// maxPoolInference's row: writes out[0 .. out_w * C) from the row pair at
// top (its first window) and bottom; windows `step` floats apart. False when
// a NaN (or an infinity) was seen: the caller redoes the row exactly.
inline bool ValuesRow(const float* top, const float* bottom, float* out, int32_t out_w, int32_t C, int32_t step) {
  return ByChannels(
      C, [&](auto k) { return ValuesRowFixed<decltype(k)::value>(top, bottom, out, out_w, step); },
      [&] { return ValuesRowAny(top, bottom, out, out_w, C, step); });
}

// The window at a / b with its argmax: y and the flat index (idx holds the
// window's first element's index per lane). The winner's offset from the
// first element is the smallest of: 0 where x0 == m, right where x1 == m,
// down where x2 == m, else down + right (a lane's "not equal" mask is all
// ones, so OR-ing an offset into it leaves it larger than any offset). All
// four elements go into *nan: the offsets are right only without NaNs.
inline void WithArgmax(const float* a, const float* b, int32_t right, v128_t idx, v128_t off_r, v128_t off_d,
                       v128_t off_dr, v128_t* nan, float* y, int32_t* argmax) {
  const v128_t x0 = wasm_v128_load(a), x1 = wasm_v128_load(a + right);
  const v128_t x2 = wasm_v128_load(b), x3 = wasm_v128_load(b + right);
  *nan = wasm_f32x4_add(*nan, wasm_f32x4_add(wasm_f32x4_add(x0, x1), wasm_f32x4_add(x2, x3)));
  const v128_t m = wasm_f32x4_pmax(wasm_f32x4_pmax(x0, x1), wasm_f32x4_pmax(x2, x3));
  wasm_v128_store(y, m);
  const v128_t off = wasm_u32x4_min(wasm_u32x4_min(wasm_f32x4_ne(x0, m), wasm_v128_or(wasm_f32x4_ne(x1, m), off_r)),
                                    wasm_u32x4_min(wasm_v128_or(wasm_f32x4_ne(x2, m), off_d), off_dr));
  wasm_v128_store(argmax, wasm_i32x4_add(idx, off));
}

// maxPool's row, kC channels (a multiple of 8) known at compile time.
template <int32_t kC>
bool ArgmaxRowFixed(const float* top, int32_t top_at, int32_t out_w, int32_t step, int32_t down, float* y,
                    int32_t* argmax) {
  const float* bottom = top + down;
  const v128_t off_r = wasm_i32x4_splat(kC), off_d = wasm_i32x4_splat(down), off_dr = wasm_i32x4_splat(down + kC);
  const v128_t four = wasm_i32x4_splat(4), eight = wasm_i32x4_splat(8);
  v128_t nan0 = wasm_f32x4_splat(0.0f), nan1 = nan0;
  for (int32_t ow = 0; ow < out_w; ++ow, top += step, bottom += step) {
    v128_t idx = wasm_i32x4_add(wasm_i32x4_splat(top_at + ow * step), wasm_i32x4_make(0, 1, 2, 3));
    const float* a = top;
    const float* b = bottom;
    float* const end = y + kC;
#pragma clang loop unroll(disable)
    for (; y != end; a += 8, b += 8, y += 8, argmax += 8) {
      KeepAddress(a);
      KeepAddress(b);
      KeepAddress(y);
      KeepAddress(argmax);
      WithArgmax(a, b, kC, idx, off_r, off_d, off_dr, &nan0, y, argmax);
      WithArgmax(a + 4, b + 4, kC, wasm_i32x4_add(idx, four), off_r, off_d, off_dr, &nan1, y + 4, argmax + 4);
      idx = wasm_i32x4_add(idx, eight);
    }
  }
  return Clean(nan0, nan1);
}

// maxPool's row, any C % 4 == 0.
inline bool ArgmaxRowAny(const float* top, int32_t top_at, int32_t out_w, int32_t C, int32_t step, int32_t down,
                         float* y, int32_t* argmax) {
  const float* bottom = top + down;
  const v128_t off_r = wasm_i32x4_splat(C), off_d = wasm_i32x4_splat(down), off_dr = wasm_i32x4_splat(down + C);
  v128_t nan0 = wasm_f32x4_splat(0.0f), nan1 = nan0;
  for (int32_t ow = 0; ow < out_w; ++ow, top += step, bottom += step) {
    for (int32_t c = 0; c < C; c += 4, y += 4, argmax += 4) {
      const v128_t idx = wasm_i32x4_add(wasm_i32x4_splat(top_at + ow * step + c), wasm_i32x4_make(0, 1, 2, 3));
      WithArgmax(top + c, bottom + c, C, idx, off_r, off_d, off_dr, &nan0, y, argmax);
    }
  }
  return Clean(nan0, nan1);
}

// maxPool's row: y and argmax for out_w windows from the row pair at top
// (flat index top_at in x; its lower row `down` floats further), windows
// `step` floats apart. False when a NaN (or an infinity) was seen.
inline bool ArgmaxRow(const float* top, int32_t top_at, int32_t out_w, int32_t C, int32_t step, int32_t down, float* y,
                      int32_t* argmax) {
  return ByChannels(
      C, [&](auto k) { return ArgmaxRowFixed<decltype(k)::value>(top, top_at, out_w, step, down, y, argmax); },
      [&] { return ArgmaxRowAny(top, top_at, out_w, C, step, down, y, argmax); });
}

}  // namespace pool2x2
}  // namespace bw

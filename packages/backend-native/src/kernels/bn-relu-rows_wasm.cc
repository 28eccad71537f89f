// WebAssembly SIMD128 build of the fused batch norm + ReLU (+ max pool) loops.
// The plain loops of bn-relu-rows.inc are compiled here too (blocks of 8
// channels, as batch-norm-rows_wasm.cc: the engine maps v128 onto 16 registers
// on x86-64), but clang leaves the pooled ones mostly scalar on wasm32 (the
// window scans mix int32 indices, float selects and float64 sums), so the
// pooled rows are written here with intrinsics, 4 channels per vector, for
// any channel count that is a multiple of 4; other counts take the .inc loops
// (and so do the filter gradient's sums on rows not of whole 2x2 windows).
// Each element goes through the same float operations in the same order as
// in the .inc, so the bits are those of the other variants (the filter sums:
// for finite inputs, see FilterSumsRow4).
// Compiled only into the wasm32 build (packages/backend-wasm).
#include <wasm_simd128.h>

#include <vector>

#include "kernels/bn-relu-rows.h"
#include "kernels/max-pool-takes_wasm.h"

#define BW_BN_RELU_GETTER BatchNormReluRowsWasmLoops
#define BW_BN_RELU_NAME "wasm-simd128"
#define BW_BN_RELU_BLOCK 8
#include "kernels/bn-relu-rows.inc"

namespace bw {

BatchNormReluRows BatchNormReluRowsWasmLoops();

namespace {

// Channels whose float64 sums pool_sums keeps on the stack at once.
constexpr int64_t kSumChannels = 64;

inline v128_t Iota() { return wasm_i32x4_make(0, 1, 2, 3); }

inline v128_t Positions(int64_t at) { return wasm_i32x4_add(wasm_i32x4_splat(static_cast<int32_t>(at)), Iota()); }

// ((x - center) - center_lo) * scale + shift, then ReLU keeping NaN: NormRelu of the .inc.
inline v128_t NormRelu4(v128_t x, const BnAffine& a, int64_t c) {
  const v128_t t = wasm_f32x4_add(
      wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_sub(x, wasm_v128_load(a.center + c)), wasm_v128_load(a.center_lo + c)),
                     wasm_v128_load(a.scale + c)),
      wasm_v128_load(a.shift + c));
  return wasm_v128_and(t, wasm_v128_or(wasm_f32x4_gt(t, wasm_f32x4_splat(0.0f)), wasm_f32x4_ne(t, t)));
}

// The coefficients of four channels, loaded once for a run of pixels.
struct Affine4 {
  v128_t center, center_lo, scale, shift;
};

inline Affine4 LoadAffine4(const BnAffine& a, int64_t c) {
  return {wasm_v128_load(a.center + c), wasm_v128_load(a.center_lo + c), wasm_v128_load(a.scale + c),
          wasm_v128_load(a.shift + c)};
}

// NormRelu4 with the coefficients in hand: the same operations.
inline v128_t NormRelu4(v128_t x, const Affine4& k) {
  const v128_t t =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_sub(x, k.center), k.center_lo), k.scale), k.shift);
  return wasm_v128_and(t, wasm_v128_or(wasm_f32x4_gt(t, wasm_f32x4_splat(0.0f)), wasm_f32x4_ne(t, t)));
}

// Whether every window of pooled row `row` is a whole 2 x 2 one inside x (no
// padding reaches it): then the window loops below are unrolled with fixed
// offsets, in the same window order, so the bits do not change.
inline bool Whole2x2(const ConvGeom& g, int64_t row) {
  const int64_t hs = (row % g.out_h) * g.stride_h - g.pad_top;
  return g.k_h == 2 && g.k_w == 2 && g.pad_left == 0 && hs >= 0 && hs + 2 <= g.in_h &&
         (g.out_w - 1) * g.stride_w + 2 <= g.in_w;
}

// PoolRow4 on a whole-2x2 row: the running best and its index, in window order.
void PoolRow4Whole(const ConvGeom& g, const float* x, const BnAffine& a, float* y, int32_t* argmax, int64_t row) {
  const int64_t C = g.in_c, down = g.in_w * C, step = g.stride_w * C;
  const int64_t top = ((row / g.out_h) * g.in_h + (row % g.out_h) * g.stride_h - g.pad_top) * g.in_w * C;
  const int32_t offsets[3] = {static_cast<int32_t>(C), static_cast<int32_t>(down), static_cast<int32_t>(down + C)};
  float* yr = y + row * g.out_w * C;
  int32_t* ar = argmax + row * g.out_w * C;
  // Channel groups outside: their four coefficient vectors stay in registers along the row.
  for (int64_t c = 0; c < C; c += 4) {
    const Affine4 k = LoadAffine4(a, c);
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      const int64_t first = top + ow * step + c;
      const float* p = x + first;
      v128_t best = NormRelu4(wasm_v128_load(p), k);
      const v128_t at = Positions(first);
      v128_t idx = at;
      for (int e = 0; e < 3; ++e) {
        const v128_t v = NormRelu4(wasm_v128_load(p + offsets[e]), k);
        const v128_t take = Takes(v, best);
        best = wasm_v128_bitselect(v, best, take);
        idx = wasm_v128_bitselect(wasm_i32x4_add(at, wasm_i32x4_splat(offsets[e])), idx, take);
      }
      wasm_v128_store(yr + ow * C + c, best);
      wasm_v128_store(ar + ow * C + c, idx);
    }
  }
}

void PoolRow4(const ConvGeom& g, const float* x, const BnAffine& a, float* y, int32_t* argmax, int64_t row) {
  if (Whole2x2(g, row)) return PoolRow4Whole(g, x, a, y, argmax, row);
  const int64_t C = g.in_c;
  const int64_t n = row / g.out_h, oh = row % g.out_h;
  const int64_t hs = oh * g.stride_h - g.pad_top;
  const int64_t h0 = hs < 0 ? 0 : hs, h1 = hs + g.k_h > g.in_h ? g.in_h : hs + g.k_h;
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const int64_t ws = ow * g.stride_w - g.pad_left;
    const int64_t w0 = ws < 0 ? 0 : ws, w1 = ws + g.k_w > g.in_w ? g.in_w : ws + g.k_w;
    const int64_t out = (row * g.out_w + ow) * C;
    const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C;
    for (int64_t c = 0; c < C; c += 4) {
      v128_t best = NormRelu4(wasm_v128_load(x + first + c), a, c);
      v128_t idx = Positions(first + c);
      for (int64_t ih = h0; ih < h1; ++ih) {
        for (int64_t iw = ih == h0 ? w0 + 1 : w0; iw < w1; ++iw) {
          const int64_t p = ((n * g.in_h + ih) * g.in_w + iw) * C + c;
          const v128_t v = NormRelu4(wasm_v128_load(x + p), a, c);
          const v128_t take = Takes(v, best);
          best = wasm_v128_bitselect(v, best, take);
          idx = wasm_v128_bitselect(Positions(p), idx, take);
        }
      }
      wasm_v128_store(y + out + c, best);
      wasm_v128_store(argmax + out + c, idx);
    }
  }
}

// Channels [c0, c0 + width) of pool_sums; sums kept as float64 pairs, counts as int32 lanes.
int64_t SumsChunk(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
                  const float* mean, int64_t row0, int64_t row1, int64_t c0, int64_t width, double* sdy, double* sdx) {
  const int64_t C = g.in_c, groups = width / 4;
  v128_t sa[kSumChannels / 2], sb[kSumChannels / 2], m[kSumChannels / 2], cnt[kSumChannels / 4];
  for (int64_t q = 0; q < groups; ++q) {
    const v128_t mf = wasm_v128_load(mean + c0 + 4 * q);
    m[2 * q] = wasm_f64x2_promote_low_f32x4(mf);
    m[2 * q + 1] = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(mf, mf, 2, 3, 2, 3));
    sa[2 * q] = sa[2 * q + 1] = sb[2 * q] = sb[2 * q + 1] = wasm_f64x2_splat(0.0);
    cnt[q] = wasm_i32x4_splat(0);
  }
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const int32_t offsets[4] = {0, static_cast<int32_t>(C), static_cast<int32_t>(g.in_w * C),
                              static_cast<int32_t>(g.in_w * C + C)};
  for (int64_t row = row0; row < row1; ++row) {
    const int64_t n = row / g.out_h, oh = row % g.out_h;
    const int64_t hs = oh * g.stride_h - g.pad_top;
    const int64_t h0 = hs < 0 ? 0 : hs, h1 = hs + g.k_h > g.in_h ? g.in_h : hs + g.k_h;
    const bool whole = Whole2x2(g, row);
    for (int64_t ow = 0; ow < g.out_w; ++ow) {
      const int64_t ws = ow * g.stride_w - g.pad_left;
      const int64_t w0 = ws < 0 ? 0 : ws, w1 = ws + g.k_w > g.in_w ? g.in_w : ws + g.k_w;
      const int64_t i = (row * g.out_w + ow) * C + c0;
      // A whole 2x2 window: its four elements at fixed offsets from the first.
      const int64_t first = ((n * g.in_h + h0) * g.in_w + w0) * C + c0;
      for (int64_t q = 0; q < groups; ++q) {
        const int64_t c = 4 * q;
        const v128_t am = wasm_v128_load(argmax + i + c);
        v128_t xw = zero, found = wasm_i32x4_splat(0);
        if (whole) {
          const float* p = x + first + c;
          // The winner's offset from the window's first element; no lane can match two.
          const v128_t d = wasm_i32x4_sub(am, Positions(first + c));
          for (int e = 0; e < 4; ++e) {
            const v128_t hit = wasm_i32x4_eq(d, wasm_i32x4_splat(offsets[e]));
            xw = wasm_v128_bitselect(wasm_v128_load(p + offsets[e]), xw, hit);
            found = wasm_v128_or(found, hit);
          }
        } else {
          for (int64_t ih = h0; ih < h1; ++ih) {
            for (int64_t iw = w0; iw < w1; ++iw) {
              const int64_t p = ((n * g.in_h + ih) * g.in_w + iw) * C + c0 + c;
              const v128_t hit = wasm_i32x4_eq(am, Positions(p));
              xw = wasm_v128_bitselect(wasm_v128_load(x + p), xw, hit);
              found = wasm_v128_or(found, hit);
            }
          }
        }
        // The gradient reaching the winner: dy where found and y > 0, else +0.
        const v128_t gv = wasm_v128_and(wasm_v128_load(dy + i + c),
                                        wasm_v128_and(found, wasm_f32x4_gt(wasm_v128_load(y + i + c), zero)));
        const v128_t g_lo = wasm_f64x2_promote_low_f32x4(gv);
        const v128_t g_hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(gv, gv, 2, 3, 2, 3));
        const v128_t x_lo = wasm_f64x2_promote_low_f32x4(xw);
        const v128_t x_hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(xw, xw, 2, 3, 2, 3));
        sa[2 * q] = wasm_f64x2_add(sa[2 * q], g_lo);
        sa[2 * q + 1] = wasm_f64x2_add(sa[2 * q + 1], g_hi);
        sb[2 * q] = wasm_f64x2_add(sb[2 * q], wasm_f64x2_mul(g_lo, wasm_f64x2_sub(x_lo, m[2 * q])));
        sb[2 * q + 1] = wasm_f64x2_add(sb[2 * q + 1], wasm_f64x2_mul(g_hi, wasm_f64x2_sub(x_hi, m[2 * q + 1])));
        cnt[q] = wasm_i32x4_sub(cnt[q], found);  // found lanes are -1
      }
    }
  }
  int64_t hits = 0;
  for (int64_t q = 0; q < groups; ++q) {
    for (int j = 0; j < 2; ++j) {
      double* da = sdy + c0 + 4 * q + 2 * j;
      double* db = sdx + c0 + 4 * q + 2 * j;
      wasm_v128_store(da, wasm_f64x2_add(wasm_v128_load(da), sa[2 * q + j]));
      wasm_v128_store(db, wasm_f64x2_add(wasm_v128_load(db), sb[2 * q + j]));
    }
    hits += static_cast<int64_t>(wasm_i32x4_extract_lane(cnt[q], 0)) + wasm_i32x4_extract_lane(cnt[q], 1) +
            wasm_i32x4_extract_lane(cnt[q], 2) + wasm_i32x4_extract_lane(cnt[q], 3);
  }
  return hits;
}

int64_t PoolSums4(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
                  const float* mean, int64_t row0, int64_t row1, double* sdy, double* sdx) {
  int64_t hits = 0;
  for (int64_t c0 = 0; c0 < g.in_c; c0 += kSumChannels) {
    const int64_t width = g.in_c - c0 < kSumChannels ? g.in_c - c0 : kSumChannels;
    hits += SumsChunk(g, dy, y, argmax, x, mean, row0, row1, c0, width, sdy, sdx);
  }
  return hits;
}

void PoolDx4(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
             const float* mean, const float* k1, const float* k2, const float* k3, int64_t row0, int64_t row1,
             float* dx) {
  const int64_t C = g.in_c;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int64_t row = row0; row < row1; ++row) {
    const int64_t n = row / g.in_h, h = row % g.in_h;
    // The pooled row whose window holds row h, if any (windows do not overlap).
    const int64_t qh = h + g.pad_top, ph = qh / g.stride_h;
    const bool covered_h = ph < g.out_h && qh - ph * g.stride_h < g.k_h;
    int64_t pw = g.pad_left / g.stride_w, rem = g.pad_left % g.stride_w;
    for (int64_t iw = 0; iw < g.in_w; ++iw) {
      const int64_t p = (row * g.in_w + iw) * C;
      const bool covered = covered_h && pw < g.out_w && rem < g.k_w;
      const int64_t i = ((n * g.out_h + ph) * g.out_w + pw) * C;
      for (int64_t c = 0; c < C; c += 4) {
        // k1 * g + k2 * (x - mean) + k3, g = 0 where no window covers the pixel.
        v128_t gv = zero;
        if (covered) {
          const v128_t hit = wasm_i32x4_eq(wasm_v128_load(argmax + i + c), Positions(p + c));
          gv = wasm_v128_and(wasm_v128_load(dy + i + c), wasm_v128_and(hit, wasm_f32x4_gt(wasm_v128_load(y + i + c), zero)));
        }
        const v128_t centered = wasm_f32x4_sub(wasm_v128_load(x + p + c), wasm_v128_load(mean + c));
        const v128_t sum = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(k1 + c), gv),
                                          wasm_f32x4_mul(wasm_v128_load(k2 + c), centered));
        wasm_v128_store(dx + p + c, wasm_f32x4_add(sum, wasm_v128_load(k3 + c)));
      }
      if (++rem == g.stride_w) {
        rem = 0;
        ++pw;
      }
    }
  }
}

// pool_filter_sums on a whole-2x2 row: four channels a vector, up to kTapBlock
// taps' sums held in registers across the row. Where FilterSumsQuad adds
// ((u0 g0 + u1 g1) + u2 g2) + u3 g3, three of whose products are zeros (a lane's
// argmax names one position), each lane here takes its winner's tap u_k with a
// byte swizzle of [u0, u1, u2, u3] and adds u_k * g: the same sums for finite
// inputs (a running sum starts at +0 and never becomes -0, so the zeros' signs
// never show). Taps' candidates [u0 u1 u2 u3] are gathered once per row.
constexpr int kTapBlock = 9;

// Lanes' byte indices into [u0, u1, u2, u3] and the gradient reaching each lane's winner.
struct Winners {
  v128_t bytes, gw;
};

// Pass 1 over a row, four channels: each pooled element's winner and gradient, and the
// row's sdy (gv, in order) and hit counts. Kept apart from the taps' pass, whose
// accumulators then have the registers to themselves.
__attribute__((always_inline)) inline void FindWinners(int64_t out_w, int64_t C, const int32_t* am, const float* yv,
                                                       const float* dv, int64_t first, int64_t step,
                                                       const int32_t* offsets, Winners* win, v128_t* sr,
                                                       v128_t* cnt) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t right_at = wasm_i32x4_splat(offsets[0]), below_at = wasm_i32x4_splat(offsets[1]),
               corner_at = wasm_i32x4_splat(offsets[2]);
  for (int64_t ow = 0; ow < out_w; ++ow) {
    const v128_t d = wasm_i32x4_sub(wasm_v128_load(am + ow * C), Positions(first + ow * step));
    const v128_t h0 = wasm_i32x4_eq(d, wasm_i32x4_splat(0));
    const v128_t h1 = wasm_i32x4_eq(d, right_at);
    const v128_t h2 = wasm_i32x4_eq(d, below_at);
    const v128_t h3 = wasm_i32x4_eq(d, corner_at);
    const v128_t right = wasm_v128_or(h1, h3), below = wasm_v128_or(h2, h3);
    const v128_t any = wasm_v128_or(wasm_v128_or(h0, h2), right);
    const v128_t gv = wasm_v128_and(wasm_v128_load(dv + ow * C), wasm_f32x4_gt(wasm_v128_load(yv + ow * C), zero));
    win[ow].bytes = wasm_i32x4_add(wasm_i32x4_splat(0x03020100),
                                   wasm_v128_or(wasm_v128_and(right, wasm_i32x4_splat(0x04040404)),
                                                wasm_v128_and(below, wasm_i32x4_splat(0x08080808))));
    win[ow].gw = wasm_v128_and(gv, any);
    *sr = wasm_f32x4_add(*sr, gv);
    *cnt = wasm_i32x4_sub(*cnt, any);  // hit lanes are -1
  }
}

// Pass 2: TB taps from t0, their sums over the row in registers, then stored to ar.
template <int TB>
__attribute__((always_inline)) inline void FilterTaps(const float* cands, int64_t taps, int64_t t0, int64_t out_w,
                                                      int64_t C, const Winners* win, float* ar) {
  v128_t acc[TB];
  for (int i = 0; i < TB; ++i) acc[i] = wasm_f32x4_splat(0.0f);
  for (int64_t ow = 0; ow < out_w; ++ow) {
    const v128_t bytes = win[ow].bytes, gw = win[ow].gw;
    const float* cw = cands + (ow * taps + t0) * 4;
    for (int i = 0; i < TB; ++i) {
      acc[i] = wasm_f32x4_add(acc[i], wasm_f32x4_mul(wasm_i8x16_swizzle(wasm_v128_load(cw + 4 * i), bytes), gw));
    }
  }
  for (int i = 0; i < TB; ++i) wasm_v128_store(ar + i * C, acc[i]);
}

// One whole-2x2 pooled row of pool_filter_sums (C % 4 == 0, taps <= kMaxFilterTaps): the
// .inc's row, ar and sr zeroed and filled, then added to su and sdy in float64 as there.
// cands: g.out_w * taps * 4 floats; win: g.out_w entries.
int64_t FilterSumsRow4(const ConvGeom& cv, const float* input, const ConvGeom& g, const float* dy, const float* y,
                       const int32_t* argmax, int64_t row, float* scratch, float* cands, Winners* win, double* sdy,
                       double* su) {
  const int64_t C = g.in_c, taps = cv.k_h * cv.k_w * cv.in_c, W = cv.out_w;
  const int64_t n = row / g.out_h, h0 = (row % g.out_h) * g.stride_h - g.pad_top;
  float* ar = scratch;
  float* cols = ar + taps * C + C;
  PatchColumns(cv, input, n, h0, cols, W);
  PatchColumns(cv, input, n, h0 + 1, cols + taps * W, W);
  for (int64_t ow = 0; ow < g.out_w; ++ow) {
    const float* c0 = cols + ow * g.stride_w;
    const float* c1 = c0 + taps * W;
    float* out = cands + ow * taps * 4;
    for (int64_t t = 0; t < taps; ++t) {
      wasm_v128_store(out + 4 * t, wasm_v128_load64_lane(c1 + t * W, wasm_v128_load64_zero(c0 + t * W), 1));
    }
  }
  const int64_t down = g.in_w * C;
  const int32_t offsets[3] = {static_cast<int32_t>(C), static_cast<int32_t>(down), static_cast<int32_t>(down + C)};
  const int64_t top = (n * g.in_h + h0) * g.in_w * C, step = g.stride_w * C;
  const int64_t at = row * g.out_w * C;
  v128_t hits = wasm_i32x4_splat(0);
  for (int64_t c = 0; c < C; c += 4) {
    v128_t sr = wasm_f32x4_splat(0.0f);
    FindWinners(g.out_w, C, argmax + at + c, y + at + c, dy + at + c, top + c, step, offsets, win, &sr, &hits);
    wasm_v128_store(ar + taps * C + c, sr);
    for (int64_t t0 = 0; t0 < taps; t0 += kTapBlock) {
      float* a = ar + t0 * C + c;
      switch (taps - t0 < kTapBlock ? taps - t0 : kTapBlock) {
#define BW_FILTER_TAPS(k)                                    \
  case k:                                                    \
    FilterTaps<k>(cands, taps, t0, g.out_w, C, win, a);      \
    break;
        BW_FILTER_TAPS(1) BW_FILTER_TAPS(2) BW_FILTER_TAPS(3) BW_FILTER_TAPS(4) BW_FILTER_TAPS(5)
        BW_FILTER_TAPS(6) BW_FILTER_TAPS(7) BW_FILTER_TAPS(8) BW_FILTER_TAPS(9)
#undef BW_FILTER_TAPS
      }
    }
  }
  for (int64_t t = 0; t < taps * C; ++t) su[t] += ar[t];
  for (int64_t c = 0; c < C; ++c) sdy[c] += ar[taps * C + c];
  return static_cast<int64_t>(wasm_i32x4_extract_lane(hits, 0)) + wasm_i32x4_extract_lane(hits, 1) +
         wasm_i32x4_extract_lane(hits, 2) + wasm_i32x4_extract_lane(hits, 3);
}

// Channel counts that are not a multiple of 4 take the .inc loops.

void PoolRowAny(const ConvGeom& g, const float* x, const BnAffine& a, float* y, int32_t* argmax, int64_t row) {
  if (g.in_c % 4 == 0) {
    PoolRow4(g, x, a, y, argmax, row);
  } else {
    BatchNormReluRowsWasmLoops().pool_row(g, x, a, y, argmax, row);
  }
}

int64_t PoolSumsAny(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
                    const float* mean, int64_t row0, int64_t row1, double* sdy, double* sdx) {
  if (g.in_c % 4 == 0) return PoolSums4(g, dy, y, argmax, x, mean, row0, row1, sdy, sdx);
  return BatchNormReluRowsWasmLoops().pool_sums(g, dy, y, argmax, x, mean, row0, row1, sdy, sdx);
}

void PoolDxAny(const ConvGeom& g, const float* dy, const float* y, const int32_t* argmax, const float* x,
               const float* mean, const float* k1, const float* k2, const float* k3, int64_t row0, int64_t row1,
               float* dx) {
  if (g.in_c % 4 == 0) {
    PoolDx4(g, dy, y, argmax, x, mean, k1, k2, k3, row0, row1, dx);
  } else {
    BatchNormReluRowsWasmLoops().pool_dx(g, dy, y, argmax, x, mean, k1, k2, k3, row0, row1, dx);
  }
}

int64_t PoolFilterSumsAny(const ConvGeom& cv, const float* input, const ConvGeom& g, const float* dy,
                          const float* y, const int32_t* argmax, int64_t row0, int64_t row1, float* scratch,
                          double* sdy, double* su) {
  const int64_t taps = cv.k_h * cv.k_w * cv.in_c;
  if (g.in_c % 4 != 0) {
    return BatchNormReluRowsWasmLoops().pool_filter_sums(cv, input, g, dy, y, argmax, row0, row1, scratch, sdy, su);
  }
  // Each row alone, as the .inc sums them: a row the vector path does not take goes there.
  thread_local std::vector<float> cands;
  thread_local std::vector<Winners> win;
  if (cands.size() < static_cast<size_t>(g.out_w * taps * 4)) cands.resize(static_cast<size_t>(g.out_w * taps * 4));
  if (win.size() < static_cast<size_t>(g.out_w)) win.resize(static_cast<size_t>(g.out_w));
  int64_t hits = 0;
  for (int64_t row = row0; row < row1; ++row) {
    hits += Whole2x2(g, row)
                ? FilterSumsRow4(cv, input, g, dy, y, argmax, row, scratch, cands.data(), win.data(), sdy, su)
                : BatchNormReluRowsWasmLoops().pool_filter_sums(cv, input, g, dy, y, argmax, row, row + 1, scratch,
                                                                sdy, su);
  }
  return hits;
}

}  // namespace

BatchNormReluRows BatchNormReluRowsWasm() {
  BatchNormReluRows rows = BatchNormReluRowsWasmLoops();
  rows.pool_row = PoolRowAny;
  rows.pool_sums = PoolSumsAny;
  rows.pool_dx = PoolDxAny;
  rows.pool_filter_sums = PoolFilterSumsAny;
  return rows;
}

}  // namespace bw

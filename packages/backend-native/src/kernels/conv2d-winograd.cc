#include "kernels/conv2d-winograd.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

#include "kernels/pack.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Tiles per block: the block's transformed input (16 x in_c per tile) and
// products (16 x out_c per tile) stay in L2 between the three steps. A
// multiple of every MR (4, 6, 12). Both are stored position-major
// ([16][tiles][channels]): tile-major rows 16 x channels apart put a
// microkernel's twelve rows 2 or 4 KiB apart, into the same L1 sets.
constexpr int64_t kBlockTiles = 48;
// F(4x4) tiles per block: one microkernel row sliver. Each call reads its
// filter panel from L2 however many slivers a block has, and the block's
// transformed input, products and 36 filter positions (288 KiB at 32 -> 64
// channels) stay within L2 beside another thread's.
constexpr int64_t kBigBlockTiles = 12;
// Floats between two positions' blocks: kBlockTiles rows of `channels` and one
// cache line more. A whole number of 4 KiB apart (48 x 64 floats is 12 KiB),
// the sixteen positions an input or output transform reads or writes for one
// tile all fell into one L1 set, more lines than its ways.
int64_t PositionStride(int64_t channels) { return kBlockTiles * channels + 16; }
// Per-thread transform scratch for `positions` positions (16 for F(2x2), 36 for F(4x4)):
// transformed inputs v, products m, and one output row `sink` for pixels past the
// output. One set for every caller on the thread: none runs inside another while it uses it.
struct TransformScratch {
  float* v;
  float* m;
  float* sink;
};
TransformScratch ThreadScratch(int64_t positions, int64_t C, int64_t O) {
  thread_local std::vector<float> v, m, sink;
  v.resize(static_cast<size_t>(positions * PositionStride(C)));
  m.resize(static_cast<size_t>(positions * PositionStride(O)));
  sink.resize(static_cast<size_t>(O));
  return {v.data(), m.data(), sink.data()};
}
// The same for the transformed filter's positions (slivers x C x NR floats each).
int64_t FilterStride(int64_t slivers, int64_t C, int64_t nr) { return slivers * C * nr + 16; }
// Below these the transforms cost more than the products they save.
constexpr int64_t kMinInChannels = 16;
constexpr int64_t kMinOutChannels = 16;
// F(4x4)'s float32 error comes from its transforms (it grows as the square root
// of the channels), conformance's tolerance with the channels: at 16 channels
// the worst error came to 0.87 of it, at 32 to 0.71.
constexpr int64_t kMin4x4InChannels = 32;

// Read once at load; the WebAssembly build has no environment to read.
bool ReadSwitch() {
#if defined(__wasm__)
  return true;
#else
  const char* v = std::getenv("BATCHWISE_CONV_WINOGRAD");
  return v == nullptr || std::strcmp(v, "0") != 0;
#endif
}

const bool kEnabled = ReadSwitch();

}  // namespace

bool UseWinograd(const ConvGeom& g) {
  return kEnabled && g.k_h == 3 && g.k_w == 3 && g.stride_h == 1 && g.stride_w == 1 && g.dil_h == 1 && g.dil_w == 1 &&
         g.in_c >= kMinInChannels && g.out_c >= kMinOutChannels && g.out_h >= 2 && g.out_w >= 2;
}

bool UseWinograd4x4(const ConvGeom& g) { return UseWinograd(g) && g.in_c >= kMin4x4InChannels; }

WinogradRows::WinogradRows(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, bool with_4x4)
    : g_(g),
      kern_(kern),
      x_(x),
      tiles_h_((g.out_h + 1) / 2),
      tiles_w_((g.out_w + 1) / 2),
      slivers_((g.out_c + kern.nr - 1) / kern.nr),
      zeros_(static_cast<size_t>(g.in_c), 0.0f) {
  const int nr = kern.nr;
  const int64_t C = g.in_c, O = g.out_c, stride = FilterStride(slivers_, C, nr);
  // Both filters in one cache entry: one comparison of the filter's bits a call.
  const int64_t floats = (with_4x4 ? 16 + 36 : 16) * stride;
  packed_ = WinogradFilterCached(f, C, O, nr, floats, [&](float* u) {
    // The transforms write every column below O; the last sliver's columns past it must read zeros.
    if (O % nr != 0) std::fill(u, u + floats, 0.0f);
    Kernels().winograd.filter(f, C, O, nr, stride, u);
    if (with_4x4) Kernels().winograd.filter4(f, C, O, nr, stride, u + 16 * stride);
  });
  u_ = packed_->data();
  u4_ = with_4x4 ? u_ + 16 * stride : nullptr;
}

void WinogradRows::Products(int64_t count, const int64_t* id, bool big, float* v, float* m) const {
  const ConvGeom& g = g_;
  const int mr = kern_.mr, nr = kern_.nr;
  const int64_t C = g.in_c, O = g.out_c;
  const bool indirect = kern_.indirect != nullptr;
  // The tile's output side, input window side and positions; tiles per image row.
  const int step = big ? 4 : 2, window = step + 2, positions = window * window;
  const int64_t per_row = big ? (g.out_w + 3) / 4 : tiles_w_, per_image = big ? (g.out_h + 3) / 4 : tiles_h_;
  const float* u = big ? u4_ : u_;
  thread_local std::vector<float> edge_store;
  if (!indirect) edge_store.resize(static_cast<size_t>(mr * C));
  // 1. Input transform of each tile.
  for (int64_t t = 0; t < count; ++t) {
    const int64_t tr = id[t] / per_row, tw = id[t] % per_row;
    const int64_t n = tr / per_image, th = tr % per_image;
    const int64_t h0 = step * th - g.pad_top, w0 = step * tw - g.pad_left;
    const float* d[36];
    for (int i = 0; i < window; ++i) {
      const int64_t ih = h0 + i;
      const bool row_inside = ih >= 0 && ih < g.in_h;
      for (int j = 0; j < window; ++j) {
        const int64_t iw = w0 + j;
        d[i * window + j] = row_inside && iw >= 0 && iw < g.in_w ? x_ + ((n * g.in_h + ih) * g.in_w + iw) * C : zeros_.data();
      }
    }
    // The input rows the tile below reads first (in the next image past the
    // last tile row, since x is contiguous): fetched ahead, the transform's
    // loads found them in memory, not cache.
    const int64_t col0 = std::max<int64_t>(0, w0), cols = std::min(g.in_w, w0 + window) - col0;
    for (int64_t i = window; i < window + step; ++i) {
      const int64_t row = n * g.in_h + h0 + i;
      if (h0 + i < 0 || row >= g.batch * g.in_h || cols <= 0) continue;
      const char* p = reinterpret_cast<const char*>(x_ + (row * g.in_w + col0) * C);
      for (int64_t b = 0; b < static_cast<int64_t>(sizeof(float)) * cols * C; b += 64) __builtin_prefetch(p + b);
    }
    if (big) {
      Kernels().winograd.input4(d, C, v + t * C, PositionStride(C));
    } else {
      Kernels().winograd.input(d, C, v + t * C, PositionStride(C));
    }
  }
  // 2. One product [count, C] x [C, O] a position, each one microkernel call
  // per tile: rows past `count` read zeros and are dropped.
  float tile[kGemmMaxTile];
  const float* rowp[32];
  const int64_t tile_slivers = (count + mr - 1) / mr;
  for (int64_t s = 0; s < tile_slivers; ++s) {
    const int64_t h = std::min<int64_t>(mr, count - s * mr);
    // A last sliver of one or two tiles (a batch of one: 49 tiles are four
    // slivers of 12 and one tile): the row kernel, one chain per tile, instead
    // of a whole MR-row tile mostly of zeros. Same bits: both sum the C
    // products of each output in order from zero (kc = C, one block).
    if (kern_.row != nullptr && 6 * h <= mr) {
      for (int xi = 0; xi < positions; ++xi) {
        for (int64_t js = 0; js < slivers_; ++js) {
          const int64_t j0 = js * nr, w = std::min<int64_t>(nr, O - j0);
          const float* b = u + xi * FilterStride(slivers_, C, nr) + js * C * nr;
          for (int64_t r = 0; r < h; ++r) {
            const int64_t row = s * mr + r;
            kern_.row(w, C, C, v + xi * PositionStride(C) + row * C, b, nr, m + xi * PositionStride(O) + row * O + j0, false);
          }
        }
      }
      continue;
    }
    for (int xi = 0; xi < positions; ++xi) {
      // The position's rows, the same for every sliver of columns.
      for (int r = 0; r < mr; ++r) rowp[r] = r < h ? v + xi * PositionStride(C) + (s * mr + r) * C : zeros_.data();
      if (!indirect) PackRows(rowp, C, mr, edge_store.data());
      for (int64_t js = 0; js < slivers_; ++js) {
        const int64_t j0 = js * nr, w = std::min<int64_t>(nr, O - j0);
        const float* b = u + xi * FilterStride(slivers_, C, nr) + js * C * nr;
        float* out = m + xi * PositionStride(O) + s * mr * O + j0;
        // A short last sliver of tiles writes its zero rows into the block's
        // spare rows (never read), not aside to be copied row by row.
        const bool full = w == nr && s * mr + mr <= kBlockTiles;
        float* c = full ? out : tile;
        const int64_t ldc = full ? O : nr;
        if (indirect) {
          kern_.indirect(1, C, rowp, b, c, ldc);
        } else {
          kern_.micro(C, edge_store.data(), b, c, ldc, false);
        }
        if (!full) {
          for (int64_t r = 0; r < h; ++r) std::memcpy(out + r * O, tile + r * nr, sizeof(float) * w);
        }
      }
    }
  }
}

int64_t WinogradRows::MinRows() const {
  const int64_t mr = kern_.mr, unit = mr / std::gcd(tiles_w_, mr);
  return unit * std::max<int64_t>(1, (2 * mr + unit * tiles_w_ - 1) / (unit * tiles_w_)) * Granule();
}

void WinogradRows::Rows(int64_t i0, int64_t rows, float* dst) const {
  const ConvGeom& g = g_;
  const int64_t C = g.in_c, O = g.out_c, per_image = g.out_h * g.out_w;
  const int64_t p_end = i0 + rows;
  // Tile rows (global over the batch) covering the range.
  const int64_t first = (i0 / per_image) * tiles_h_ + (i0 % per_image) / g.out_w / 2;
  const int64_t last = ((p_end - 1) / per_image) * tiles_h_ + ((p_end - 1) % per_image) / g.out_w / 2;
  const int64_t total = (last - first + 1) * tiles_w_;
  const auto [v, m, sink] = ThreadScratch(16, C, O);
  const WinogradTransforms& transforms = Kernels().winograd;
  int64_t id[kBlockTiles];
  for (int64_t t0 = 0; t0 < total; t0 += kBlockTiles) {
    const int64_t count = std::min(kBlockTiles, total - t0);
    for (int64_t t = 0; t < count; ++t) id[t] = first * tiles_w_ + t0 + t;
    Products(count, id, false, v, m);
    // 3. Output transform, storing the pixels inside the image and the range.
    for (int64_t t = 0; t < count; ++t) {
      const int64_t tr = first + (t0 + t) / tiles_w_, tw = (t0 + t) % tiles_w_;
      const int64_t n = tr / tiles_h_, th = tr % tiles_h_;
      float* y[4];
      for (int a = 0; a < 2; ++a) {
        for (int b = 0; b < 2; ++b) {
          const int64_t oh = 2 * th + a, ow = 2 * tw + b;
          const int64_t p = (n * g.out_h + oh) * g.out_w + ow;
          const bool keep = oh < g.out_h && ow < g.out_w && p >= i0 && p < p_end;
          y[a * 2 + b] = keep ? dst + (p - i0) * O : sink;
        }
      }
      transforms.output(m + t * O, PositionStride(O), O, y);
    }
  }
}

WinogradRows::PooledLayout WinogradRows::Layout(int64_t pooled_h, int64_t pooled_w) const {
  PooledLayout l{0, 0, 0, pooled_h * pooled_w, false};
  if (u4_ == nullptr) return l;
  l.big_h = 2 * (pooled_h / 2);
  l.big_w = 2 * (pooled_w / 2);
  l.bigs = (l.big_h / 2) * (l.big_w / 2);
  l.smalls -= 4 * l.bigs;
  const int64_t mr = kern_.mr;
  l.corner = l.bigs > 0 && pooled_h % 2 == 1 && pooled_w % 2 == 1 && l.smalls % mr == 1 && l.bigs % mr != 0;
  if (l.corner) {
    ++l.bigs;
    --l.smalls;
  }
  return l;
}

int64_t WinogradRows::PooledUnits(int64_t pooled_h, int64_t pooled_w) const {
  const PooledLayout l = Layout(pooled_h, pooled_w);
  return g_.batch * (l.bigs + l.smalls);
}

void WinogradRows::PooledBigTiles(int64_t b0, int64_t b1, int64_t pooled_h, int64_t pooled_w, const PooledLayout& l,
                                  const WinogradBnCoeffs& k, float* y) const {
  const ConvGeom& g = g_;
  const int64_t C = g.in_c, O = g.out_c, per_row = l.big_w / 2;
  // sink: the corner tile's three pooled pixels past the output.
  const auto [v, m, sink] = ThreadScratch(36, C, O);
  const WinogradTransforms& transforms = Kernels().winograd;
  // Big unit q: image n, tile (bh, bw), covering pooled pixels 2bh..2bh+1 x 2bw..2bw+1.
  const auto tile = [&](int64_t q, int64_t* n, int64_t* bh, int64_t* bw) {
    *n = q / l.bigs;
    const int64_t r = q % l.bigs;
    *bh = per_row > 0 && r < l.bigs - (l.corner ? 1 : 0) ? r / per_row : l.big_h / 2;
    *bw = per_row > 0 && r < l.bigs - (l.corner ? 1 : 0) ? r % per_row : l.big_w / 2;
  };
  int64_t id[kBigBlockTiles], ns[kBigBlockTiles], bhs[kBigBlockTiles], bws[kBigBlockTiles];
  for (int64_t t0 = b0; t0 < b1; t0 += kBigBlockTiles) {
    const int64_t count = std::min(kBigBlockTiles, b1 - t0);
    for (int64_t t = 0; t < count; ++t) {
      tile(t0 + t, &ns[t], &bhs[t], &bws[t]);
      id[t] = (ns[t] * ((g.out_h + 3) / 4) + bhs[t]) * ((g.out_w + 3) / 4) + bws[t];
    }
    Products(count, id, true, v, m);
    for (int64_t t = 0; t < count; ++t) {
      const int64_t n = ns[t], bh = bhs[t], bw = bws[t];
      float* dst[4];
      for (int a = 0; a < 2; ++a) {
        for (int b = 0; b < 2; ++b) {
          const int64_t ph = 2 * bh + a, pw = 2 * bw + b;
          dst[a * 2 + b] = ph < pooled_h && pw < pooled_w ? y + ((n * pooled_h + ph) * pooled_w + pw) * O : sink;
        }
      }
      transforms.output_pool4(m + t * O, PositionStride(O), O, k, dst);
    }
  }
}

void WinogradRows::PooledTiles(int64_t u0, int64_t u1, int64_t pooled_h, int64_t pooled_w, const WinogradBnCoeffs& k,
                               float* y) const {
  const ConvGeom& g = g_;
  const int64_t C = g.in_c, O = g.out_c;
  const PooledLayout l = Layout(pooled_h, pooled_w);
  const int64_t bigs = g.batch * l.bigs, big_h = l.big_h, big_w = l.big_w;
  if (u0 < bigs) PooledBigTiles(u0, std::min(u1, bigs), pooled_h, pooled_w, l, k, y);
  u0 = std::max(u0, bigs);
  if (u0 >= u1) return;
  const TransformScratch scratch = ThreadScratch(16, C, O);
  float* v = scratch.v;
  float* m = scratch.m;
  const WinogradTransforms& transforms = Kernels().winograd;
  // Small unit s of image n: first the column right of the big tiles (rows
  // [0, big_h)), then the rows below them (every column; the corner last,
  // left out when a big tile makes it).
  const int64_t right = pooled_w - big_w;
  const auto pixel = [&](int64_t unit) {
    const int64_t s = unit - bigs, n = s / l.smalls, r = s % l.smalls;
    const int64_t ph = r < big_h * right ? r / right : big_h + (r - big_h * right) / pooled_w;
    const int64_t pw = r < big_h * right ? big_w + r % right : (r - big_h * right) % pooled_w;
    return (n * pooled_h + ph) * pooled_w + pw;
  };
  int64_t id[kBlockTiles], q[kBlockTiles];
  for (int64_t t0 = u0; t0 < u1; t0 += kBlockTiles) {
    const int64_t count = std::min(kBlockTiles, u1 - t0);
    // Pooled pixel (n, ph, pw) is tile (n, ph, pw); a last tile row or column the pool drops is not computed.
    for (int64_t t = 0; t < count; ++t) {
      q[t] = pixel(t0 + t);
      const int64_t n = q[t] / (pooled_h * pooled_w), ph = (q[t] / pooled_w) % pooled_h, pw = q[t] % pooled_w;
      id[t] = (n * tiles_h_ + ph) * tiles_w_ + pw;
    }
    Products(count, id, false, v, m);
    for (int64_t t = 0; t < count; ++t) transforms.output_pool(m + t * O, PositionStride(O), O, k, y + q[t] * O);
  }
}

void Conv2dForwardWinograd(const ConvGeom& g, const GemmKernel& kern, const float* x, const float* f, float* y) {
  const WinogradRows plan(g, kern, x, f);
  const int64_t tiles_h = (g.out_h + 1) / 2, tile_rows = g.batch * tiles_h;
  // Tasks of whole tile rows holding a multiple of MR tiles (MinRows).
  const int64_t per_task = plan.MinRows() / plan.Granule();
  const int64_t tasks = (tile_rows + per_task - 1) / per_task;
  const int64_t pixels = g.batch * g.out_h * g.out_w;
  ParallelTasks(tasks, [&](int64_t task) {
    // Tile rows [r0, r1) as output pixels: the last tile row of an odd-height image is one pixel row.
    const int64_t r0 = task * per_task, r1 = std::min(tile_rows, r0 + per_task);
    const auto pixel = [&](int64_t r) {
      const int64_t n = r / tiles_h, oh = 2 * (r % tiles_h);
      return r == tile_rows ? pixels : (n * g.out_h + oh) * g.out_w;
    };
    const int64_t p0 = pixel(r0), p1 = pixel(r1);
    plan.Rows(p0, p1 - p0, y + p0 * g.out_c);
  });
}

}  // namespace bw

#include "kernels/conv2d-direct.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/parallel.h"

namespace bw {
namespace {

// Output pixels per block of the filter gradient: each microkernel call sums
// one block from zero, then adds its tile to the group once, so longer blocks
// spend less on those additions (256 measured faster than 128, and 1024 no
// faster than 256); the block's dy rows (64 KiB at 64 channels) come from L2.
constexpr int64_t kBlockPixels = 256;
// Output pixels per chunk of the reduction: each chunk is one task with its own
// partial gradient, added in chunk order (so the bits do not depend on the threads).
constexpr int64_t kChunkPixels = 4096;
// Largest per-thread copy of padded rows kept for the next call (16 MiB); a
// larger one (chunks of huge images, few chunks for a huge filter) is freed.
constexpr size_t kKeptRowFloats = size_t{1} << 22;
// Blocks summed into a group before the group is added to the chunk's partial:
// three levels of float32 sums instead of one long run of block additions.
constexpr int64_t kGroupBlocks = 8;

// One padded input row of width `row` floats: image n's row ih (zeros outside the image) with the
// left and right padding zeroed.
void PadRow(const ConvGeom& g, const float* x, int64_t n, int64_t ih, float* dst, int64_t row) {
  const int64_t C = g.in_c;
  if (ih < 0 || ih >= g.in_h) {
    std::fill(dst, dst + row, 0.0f);
    return;
  }
  std::fill(dst, dst + g.pad_left * C, 0.0f);
  std::memcpy(dst + g.pad_left * C, x + (n * g.in_h + ih) * g.in_w * C, sizeof(float) * g.in_w * C);
  std::fill(dst + (g.pad_left + g.in_w) * C, dst + row, 0.0f);
}

// Padded images up to this many floats are copied on the calling thread: a
// parallel loop's setup costs more than the copy (a batch-1 first layer).
constexpr int64_t kInlinePadFloats = int64_t{1} << 14;

// x with its 'same' padding as zeros into storage->padded (grown as needed),
// or x itself when there is none; *h and *w get the padded size.
const float* PadImage(const ConvGeom& g, const float* x, DirectRowsStorage* storage, int64_t* h, int64_t* w) {
  *h = g.in_h + g.pad_top + g.pad_bottom;
  *w = g.in_w + g.pad_left + g.pad_right;
  if (*h == g.in_h && *w == g.in_w) return x;
  const int64_t C = g.in_c, row = *w * C, padded_h = *h, total = g.batch * padded_h * row;
  if (storage->padded_floats < total) {
    storage->padded.reset(new float[static_cast<size_t>(total)]);
    storage->padded_floats = total;
  }
  float* out = storage->padded.get();
  const auto pad_rows = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) PadRow(g, x, r / padded_h, r % padded_h - g.pad_top, out + r * row, row);
  };
  if (total <= kInlinePadFloats) {
    pad_rows(0, g.batch * padded_h);
  } else {
    ParallelRanges(g.batch * padded_h, std::max<int64_t>(1, 16384 / row), pad_rows);
  }
  return out;
}

// Offset of filter row (kh, kw, c) from the window's corner in the padded
// image, into *offset: max(rows, kk) entries, those past kk zero.
void WindowOffsets(const ConvGeom& g, int64_t padded_w, int64_t rows, std::vector<int64_t>* offset) {
  const int64_t C = g.in_c, kk = g.k_h * g.k_w * C;
  offset->assign(static_cast<size_t>(std::max(rows, kk)), 0);
  for (int64_t i = 0; i < kk; ++i) {
    const int64_t kh = i / (g.k_w * C), kw = (i / C) % g.k_w, c = i % C;
    (*offset)[i] = (kh * g.dil_h * padded_w + kw * g.dil_w) * C + c;
  }
}

std::vector<int64_t> WindowOffsets(const ConvGeom& g, int64_t padded_w, int64_t rows) {
  std::vector<int64_t> offset;
  WindowOffsets(g, padded_w, rows, &offset);
  return offset;
}

// Output pixels per forward task: a multiple of every MR, a few hundred
// microkernel calls, and dozens of tasks for a first layer of a batch of 64.
constexpr int64_t kForwardPixels = 1152;

}  // namespace

DirectRows::DirectRows(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f,
                       DirectRowsStorage* storage)
    : g_(g), micro_(micro) {
  DirectRowsStorage& s = storage != nullptr ? *storage : own_;
  const int nr = micro.nr;
  const int64_t O = g.out_c, kk = g.k_h * g.k_w * g.in_c;
  xp_ = PadImage(g, x, &s, &xp_h_, &xp_w_);
  WindowOffsets(g, xp_w_, kk, &s.offset);
  offset_ = s.offset.data();
  // f [kk, O] as kk x NR slivers, zeros past O.
  const int64_t col_slivers = (O + nr - 1) / nr;
  s.packed.assign(static_cast<size_t>(col_slivers * kk * nr), 0.0f);
  for (int64_t js = 0; js < col_slivers; ++js) {
    const int64_t j0 = js * nr, w = std::min<int64_t>(nr, O - j0);
    for (int64_t k = 0; k < kk; ++k) std::memcpy(s.packed.data() + (js * kk + k) * nr, f + k * O + j0, sizeof(float) * w);
  }
  packed_ = s.packed.data();
}

void DirectRows::Rows(int64_t i0, int64_t rows, float* dst) const {
  const ConvGeom& g = g_;
  const int mr = micro_.mr, nr = micro_.nr;
  const int64_t C = g.in_c, O = g.out_c, kk = g.k_h * g.k_w * C, col_slivers = (O + nr - 1) / nr;
  int64_t ow = i0 % g.out_w, oh = (i0 / g.out_w) % g.out_h, n = i0 / (g.out_w * g.out_h);
  const float* pixel[32];
  float tile[32 * 64];
  for (int64_t p0 = 0; p0 < rows; p0 += mr) {
    const int64_t h = std::min<int64_t>(mr, rows - p0);
    for (int64_t r = 0; r < h; ++r) {
      pixel[r] = xp_ + ((n * xp_h_ + oh * g.stride_h) * xp_w_ + ow * g.stride_w) * C;
      if (++ow == g.out_w) {
        ow = 0;
        if (++oh == g.out_h) {
          oh = 0;
          ++n;
        }
      }
    }
    // Rows past the range repeat its last pixel; their results are dropped.
    for (int64_t r = h; r < mr; ++r) pixel[r] = pixel[h - 1];
    for (int64_t js = 0; js < col_slivers; ++js) {
      const int64_t j0 = js * nr, w = std::min<int64_t>(nr, O - j0);
      const float* b = packed_ + js * kk * nr;
      float* out = dst + p0 * O + j0;
      if (h == mr && w == nr) {
        micro_.forward(kk, pixel, offset_, b, out, O);
        continue;
      }
      micro_.forward(kk, pixel, offset_, b, tile, nr);
      for (int64_t r = 0; r < h; ++r) std::memcpy(out + r * O, tile + r * nr, sizeof(float) * w);
    }
  }
}

void DirectRows::PooledRows(int64_t q0, int64_t q1, int64_t pooled_h, int64_t pooled_w, const ConvPoolCoeffs* coeffs,
                            float* y) const {
  const ConvGeom& g = g_;
  const bool narrow = micro_.forward_pool_narrow != nullptr && 2 * g.out_c <= micro_.nr;
  const ConvForwardPoolFn kernel = narrow ? micro_.forward_pool_narrow : micro_.forward_pool;
  const int mr = narrow ? 2 * micro_.mr : micro_.mr, nr = micro_.nr, per = mr / 4;
  const int64_t C = g.in_c, O = g.out_c, kk = g.k_h * g.k_w * C, col_slivers = (O + nr - 1) / nr;
  const int64_t step_h = g.stride_h * xp_w_ * C, step_w = g.stride_w * C;
  const float* pixel[64];
  // The next window's pooled position and corner, counted on (divisions and
  // products per pixel showed in profiles at batch 1).
  int64_t pw = q0 % pooled_w, ph = (q0 / pooled_w) % pooled_h, n = q0 / (pooled_w * pooled_h);
  const auto corner_of = [&](int64_t n_, int64_t ph_, int64_t pw_) {
    return xp_ + ((n_ * xp_h_ + 2 * ph_ * g.stride_h) * xp_w_ + 2 * pw_ * g.stride_w) * C;
  };
  const float* corner = corner_of(n, ph, pw);
  // Groups of `per` pooled pixels run on across pooled rows (and images):
  // only the range's last group can be short.
  for (int64_t g0 = q0; g0 < q1; g0 += per) {
    const int64_t count = std::min<int64_t>(per, q1 - g0);
    for (int q = 0; q < count; ++q) {
      pixel[4 * q] = corner;
      pixel[4 * q + 1] = corner + step_w;
      pixel[4 * q + 2] = corner + step_h;
      pixel[4 * q + 3] = corner + step_h + step_w;
      corner += 2 * step_w;
      if (++pw == pooled_w) {
        pw = 0;
        if (++ph == pooled_h) {
          ph = 0;
          ++n;
        }
        // Past the last image no corner is formed (it would point outside the copy).
        if (n < g.batch) corner = corner_of(n, ph, pw);
      }
    }
    // A short group repeats its last window; its results are not stored.
    for (int q = static_cast<int>(count); q < per; ++q) {
      for (int r = 0; r < 4; ++r) pixel[4 * q + r] = pixel[4 * (count - 1) + r];
    }
    float* out = y + (g0 - q0) * O;
    for (int64_t js = 0; js < col_slivers; ++js) {
      const int64_t j0 = js * nr;
      kernel(kk, pixel, offset_, packed_ + js * kk * nr, coeffs[js], count, std::min<int64_t>(nr, O - j0), out + j0, O);
    }
  }
}

void Conv2dForwardDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* f, float* y) {
  const DirectRows plan(g, micro, x, f);
  const int mr = micro.mr;
  const int64_t pixels = g.batch * g.out_h * g.out_w;
  const int64_t per_task = std::min<int64_t>(kForwardPixels, (pixels + mr - 1) / mr * mr);
  const int64_t tasks = (pixels + per_task - 1) / per_task;
  ParallelTasks(tasks, [&](int64_t task) {
    const int64_t p_begin = task * per_task, p_end = std::min(pixels, p_begin + per_task);
    plan.Rows(p_begin, p_end - p_begin, y + p_begin * g.out_c);
  });
}

namespace {

// The padded input rows one chunk of the filter gradient reads, copied into a
// buffer of the thread's own: a chunk covers a few images, so its copy (under
// 1 MiB for the shapes of a CNN) is still in L2 when the microkernels read it,
// where a padded copy of the whole batch went to memory and back, and a fresh
// buffer each call was faulted in page by page.
class ChunkRows {
 public:
  // storage: the thread's buffer, grown as needed and kept for the next call.
  ChunkRows(const ConvGeom& g, int64_t xp_w, std::vector<float>* storage) : g_(g), xp_w_(xp_w), storage_(*storage) {}

  // Copies the padded rows behind output pixels [p_begin, p_end).
  void Fill(const float* x, int64_t p_begin, int64_t p_end) {
    const ConvGeom& g = g_;
    const int64_t C = g.in_c, row = xp_w_ * C, span = (g.k_h - 1) * g.dil_h + 1;
    const int64_t first = p_begin / g.out_w, last = (p_end - 1) / g.out_w;  // output rows, over n * out_h
    n0_ = first / g.out_h;
    const int64_t images = last / g.out_h - n0_ + 1;
    base_.assign(static_cast<size_t>(images), 0);
    ph0_.assign(static_cast<size_t>(images), 0);
    int64_t total = 0;
    for (int64_t i = 0; i < images; ++i) {
      const int64_t n = n0_ + i;
      const int64_t oh0 = n == n0_ ? first % g.out_h : 0, oh1 = n == n0_ + images - 1 ? last % g.out_h : g.out_h - 1;
      ph0_[i] = oh0 * g.stride_h;
      base_[i] = total;
      total += (oh1 * g.stride_h + span - ph0_[i]) * row;
    }
    if (static_cast<int64_t>(storage_.size()) < total) storage_.resize(static_cast<size_t>(total));
    for (int64_t i = 0; i < images; ++i) {
      const int64_t n = n0_ + i, rows = (i + 1 < images ? base_[i + 1] : total) - base_[i];
      float* dst = storage_.data() + base_[i];
      for (int64_t r = 0; r < rows / row; ++r, dst += row) {
        PadRow(g, x, n, ph0_[i] + r - g.pad_top, dst, row);
      }
    }
  }

  // The window corner of output pixel (n, oh, ow), which Fill covered.
  const float* Corner(int64_t n, int64_t oh, int64_t ow) const {
    const int64_t i = n - n0_;
    return storage_.data() + base_[i] + ((oh * g_.stride_h - ph0_[i]) * xp_w_ + ow * g_.stride_w) * g_.in_c;
  }

 private:
  ConvGeom g_;
  int64_t xp_w_;
  int64_t n0_ = 0;
  std::vector<int64_t> base_, ph0_;
  std::vector<float>& storage_;
};

}  // namespace

void Conv2dBackpropFilterDirect(const ConvGeom& g, const ConvMicro& micro, const float* x, const float* dy, float* df) {
  const int mr = micro.mr, nr = micro.nr;
  const int64_t C = g.in_c, O = g.out_c, kk = g.k_h * g.k_w * C;
  const int64_t row_slivers = (kk + mr - 1) / mr, col_slivers = (O + nr - 1) / nr;
  const int64_t kk_pad = row_slivers * mr;
  const int64_t xp_h = g.in_h + g.pad_top + g.pad_bottom, xp_w = g.in_w + g.pad_left + g.pad_right;
  // Without padding the windows are read from x itself.
  const bool in_place = xp_h == g.in_h && xp_w == g.in_w;
  // Rows past kk (the last sliver's padding) repeat row 0 and are never stored.
  const std::vector<int64_t> offset = WindowOffsets(g, xp_w, kk_pad);
  const int64_t pixels = g.batch * g.out_h * g.out_w;
  // Chunks from the problem size only: about kChunkPixels each, a multiple of
  // four of them so that two or four threads share them evenly, and the
  // partial gradients kept under 64 MiB.
  int64_t chunks = (pixels + kChunkPixels - 1) / kChunkPixels;
  if (chunks > 1) chunks = (chunks + 3) / 4 * 4;
  chunks = std::max<int64_t>(1, std::min(chunks, (int64_t{1} << 24) / std::max<int64_t>(1, kk_pad * O)));
  const int64_t per_chunk = (pixels + chunks - 1) / chunks;
  chunks = (pixels + per_chunk - 1) / per_chunk;
  std::vector<float> partial(static_cast<size_t>(chunks * kk_pad * O), 0.0f);
  ParallelTasks(chunks, [&](int64_t chunk) {
    float* part = partial.data() + chunk * kk_pad * O;
    thread_local std::vector<float> group_storage;
    group_storage.resize(static_cast<size_t>(kk_pad * O));
    float* group = group_storage.data();
    const int64_t p_begin = chunk * per_chunk, p_end = std::min(pixels, (chunk + 1) * per_chunk);
    thread_local std::vector<float> rows_storage;
    ChunkRows rows(g, xp_w, &rows_storage);
    if (!in_place) rows.Fill(x, p_begin, p_end);
    ConvRun runs[kBlockPixels];
    for (int64_t p0 = p_begin; p0 < p_end; p0 += kBlockPixels) {
      const int64_t block = (p0 - p_begin) / kBlockPixels;
      if (block % kGroupBlocks == 0) std::fill(group, group + kk_pad * O, 0.0f);
      const int64_t p1 = std::min(p_end, p0 + kBlockPixels);
      int64_t count = 0;
      for (int64_t p = p0; p < p1;) {
        const int64_t ow = p % g.out_w, oh = (p / g.out_w) % g.out_h, n = p / (g.out_w * g.out_h);
        const int64_t len = std::min(g.out_w - ow, p1 - p);
        const float* corner =
            in_place ? x + ((n * g.in_h + oh * g.stride_h) * g.in_w + ow * g.stride_w) * C : rows.Corner(n, oh, ow);
        runs[count++] = {corner, dy + p * O, len};
        p += len;
      }
      // Row slivers outer, up to four column slivers inner: one sliver's
      // window values are broadcast for every column sliver while in L1.
      ConvRun shifted[4][kBlockPixels];
      const int64_t col_slivers_kept = std::min<int64_t>(col_slivers, 4);
      for (int64_t js0 = 0; js0 < col_slivers; js0 += col_slivers_kept) {
        const int64_t js1 = std::min(col_slivers, js0 + col_slivers_kept);
        for (int64_t js = js0; js < js1; ++js) {
          for (int64_t s = 0; s < count; ++s) shifted[js - js0][s] = {runs[s].x, runs[s].dy + js * nr, runs[s].count};
        }
        for (int64_t is = 0; is < row_slivers; ++is) {
          for (int64_t js = js0; js < js1; ++js) {
            const int64_t j0 = js * nr, cols = std::min<int64_t>(nr, O - j0);
            micro.filter_grad(count, shifted[js - js0], g.stride_w * C, offset.data() + is * mr, O, cols, group + is * mr * O + j0, O);
          }
        }
      }
      if (block % kGroupBlocks == kGroupBlocks - 1 || p1 == p_end) {
        for (int64_t i = 0; i < kk_pad * O; ++i) part[i] += group[i];
      }
    }
    if (rows_storage.capacity() > kKeptRowFloats) std::vector<float>().swap(rows_storage);
  });
  // Chunks added in chunk order, whichever thread computed them: one chunk's
  // row at a time into df's row, so the additions run across channels in SIMD.
  ParallelRanges(kk, std::max<int64_t>(1, 16384 / O), [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      float* out = df + i * O;
      std::memcpy(out, partial.data() + i * O, sizeof(float) * O);
      for (int64_t q = 1; q < chunks; ++q) {
        const float* row = partial.data() + (q * kk_pad + i) * O;
        for (int64_t o = 0; o < O; ++o) out[o] += row[o];
      }
    }
  });
}

}  // namespace bw

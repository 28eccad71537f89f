#include "kernels/fused-conv-bn-relu.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <vector>

#include "kernels/batch-norm.h"
#include "kernels/bn-relu-rows.h"
#include "kernels/fused-bn-relu.h"
#include "kernels/conv2d-direct.h"
#include "kernels/conv2d-rows.h"
#include "kernels/conv2d-winograd.h"
#include "runtime/kernel-table.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Conv output pixels per task: a multiple of every MR (4, 6, 12), as the indirect conv's tasks.
constexpr int64_t kTaskPixels = 144;
// With a pool: about this many conv output pixels per task (whole pooled rows).
constexpr int64_t kPoolTaskPixels = 256;
// Fewest tasks worth aiming for (2 cores x 4), so a batch of one still uses every thread.
constexpr int64_t kMinTasks = 8;

// Below this many multiply-adds (the bench CNN's layers at batch 1 have 0.2 M
// and 3.6 M) an inference call runs its tasks one after the other on the
// calling thread: a batch-1 predict comes back to a worker parked since its
// last call (idle threads poll only 50 us), and waking it cost about as much
// as the half of the work it would take. The tasks are the same either way,
// and so are the bits.
constexpr int64_t kMinParallelMacs = int64_t{1} << 22;

int64_t Macs(const ConvGeom& g) { return g.batch * g.out_h * g.out_w * g.out_c * g.k_h * g.k_w * g.in_c; }

// Few enough multiply-adds: fn(t) for each task in turn, on this thread (no
// std::function made, no pool touched); else ParallelTasks.
template <typename Fn>
void InferenceTasks(const ConvGeom& g, int64_t tasks, const Fn& fn) {
  if (Macs(g) >= kMinParallelMacs) return ParallelTasks(tasks, fn);
  for (int64_t t = 0; t < tasks; ++t) fn(t);
}

// ParallelRanges' pieces through InferenceTasks.
template <typename Fn>
void InferenceRanges(const ConvGeom& g, int64_t n, int64_t grain, const Fn& fn) {
  grain = std::max<int64_t>(1, grain);
  InferenceTasks(g, (n + grain - 1) / grain, [&](int64_t t) { fn(t * grain, std::min(n, (t + 1) * grain)); });
}

// A DirectRows' padded image, packed filter and offsets, and the pooled path's
// coefficients, kept per thread for calls up to kKeptFloats floats of them:
// at batch 1 the allocations cost more than the copies.
constexpr size_t kKeptFloats = size_t{1} << 16;

struct PoolDirectScratch {
  DirectRowsStorage rows;
  std::vector<float> coeff;
  std::vector<ConvPoolCoeffs> coeffs;
};

// Few input channels and a whole-window 2x2 stride-2 pool: the microkernel
// pools its own tile, so the conv rows (as many values as the multiply-adds
// that made them, with one input channel) are never stored and read back.
bool WholeWindows2x2(const ConvGeom& g, const ConvGeom* pool) {
  if (pool == nullptr) return false;
  const ConvGeom& p = *pool;
  return p.k_h == 2 && p.k_w == 2 && p.stride_h == 2 && p.stride_w == 2 && p.dil_h == 1 && p.dil_w == 1 &&
         p.pad_top == 0 && p.pad_left == 0 && 2 * p.out_h <= g.out_h && 2 * p.out_w <= g.out_w;
}

bool PoolsInRegisters(const ConvGeom& g, const ConvGeom* pool) {
  const ConvMicro& micro = Kernels().conv;
  return micro.forward_pool != nullptr && micro.mr % 4 == 0 && UsesDirectRows(g) && WholeWindows2x2(g, pool);
}

// Winograd with a whole-window 2x2 stride-2 pool: each pool window is one
// tile, pooled as its output transform finishes, so no conv row is stored.
void Conv2dBatchNormReluPoolWinograd(const ConvGeom& g, const float* x, const float* f, const BnAffine& a,
                                     const ConvGeom& p, float* y) {
  const int64_t O = g.out_c;
  std::vector<float> sign(static_cast<size_t>(O));
  for (int64_t o = 0; o < O; ++o) sign[o] = a.scale[o] < 0.0f ? -1.0f : 1.0f;
  const WinogradBnCoeffs k{a.center, a.center_lo, a.scale, a.shift, sign.data()};
  const GemmKernel& kern = Kernels().gemm;
  const WinogradRows conv(g, kern, x, f, UseWinograd4x4(g));
  // Units (tiles) in tasks of whole MR tiles (no row of the microkernel's
  // tile wasted but in the last task of each kind), two blocks of tiles each
  // at most, and at least kMinTasks of them when there are enough.
  const int64_t total = conv.PooledUnits(p.out_h, p.out_w), mr = kern.mr;
  const int64_t per_task = std::max<int64_t>(
      2 * mr, std::min<int64_t>(8 * mr, ((total + kMinTasks - 1) / kMinTasks + mr - 1) / mr * mr));
  InferenceRanges(g, total, per_task, [&](int64_t q0, int64_t q1) { conv.PooledTiles(q0, q1, p.out_h, p.out_w, k, y); });
}

void Conv2dBatchNormReluPoolDirect(const ConvGeom& g, const float* x, const float* f, const BnAffine& a,
                                   const ConvGeom& p, float* y) {
  const ConvMicro& micro = Kernels().conv;
  const int nr = micro.nr;
  const int64_t O = g.out_c, slivers = (O + nr - 1) / nr;
  thread_local PoolDirectScratch scratch;
  // Coefficients per sliver, zeros past the last channel (sign 1 there).
  std::vector<float>& coeff = scratch.coeff;
  std::vector<ConvPoolCoeffs>& coeffs = scratch.coeffs;
  coeff.resize(static_cast<size_t>(slivers * nr * 5));
  coeffs.resize(static_cast<size_t>(slivers));
  for (int64_t js = 0; js < slivers; ++js) {
    float* c = coeff.data() + js * nr * 5;
    for (int64_t j = 0; j < nr; ++j) {
      const int64_t o = js * nr + j;
      c[j] = o < O ? a.center[o] : 0.0f;
      c[nr + j] = o < O ? a.center_lo[o] : 0.0f;
      c[2 * nr + j] = o < O ? a.scale[o] : 0.0f;
      c[3 * nr + j] = o < O ? a.shift[o] : 0.0f;
      c[4 * nr + j] = c[2 * nr + j] < 0.0f ? -1.0f : 1.0f;
    }
    coeffs[js] = {c, c + nr, c + 2 * nr, c + 3 * nr, c + 4 * nr};
  }
  const int64_t padded = g.batch * (g.in_h + g.pad_top + g.pad_bottom) * (g.in_w + g.pad_left + g.pad_right) * g.in_c;
  const bool keep = static_cast<size_t>(padded + slivers * nr * g.k_h * g.k_w * g.in_c) <= kKeptFloats;
  const DirectRows conv(g, micro, x, f, keep ? &scratch.rows : nullptr);
  const int64_t total = g.batch * p.out_h * p.out_w;
  if (Macs(g) < kMinParallelMacs) {
    // One thread: one range, whose groups of pooled pixels run on across rows.
    conv.PooledRows(0, total, p.out_h, p.out_w, coeffs.data(), y);
    return;
  }
  // About kPoolTaskPixels conv pixels per task, and at least kMinTasks tasks.
  const int64_t per_pooled_row = std::max<int64_t>(1, 2 * g.out_w);
  const int64_t block = std::max<int64_t>(
      1, std::min<int64_t>(std::min(p.out_h, kPoolTaskPixels / per_pooled_row), (g.batch * p.out_h + kMinTasks - 1) / kMinTasks));
  const int64_t blocks_per_image = (p.out_h + block - 1) / block;
  ParallelTasks(g.batch * blocks_per_image, [&](int64_t task) {
    const int64_t n = task / blocks_per_image, ph0 = (task % blocks_per_image) * block;
    const int64_t ph1 = std::min(p.out_h, ph0 + block);
    const int64_t q0 = (n * p.out_h + ph0) * p.out_w, q1 = (n * p.out_h + ph1) * p.out_w;
    conv.PooledRows(q0, q1, p.out_h, p.out_w, coeffs.data(), y + q0 * O);
  });
}

}  // namespace

void Conv2dBatchNormRelu(const ConvGeom& g, const float* x, const float* f, const float* mean, const float* variance,
                         const float* gamma, const float* beta, double epsilon, const ConvGeom* pool, float* y) {
  const int64_t O = g.out_c;
  // batchNormInference's coefficients: scale = gamma / sqrt(var + eps) in float64, rounded once.
  // Per thread and kept: at batch 1 two allocations a call showed in profiles.
  thread_local std::vector<float> scale, zero;
  scale.resize(static_cast<size_t>(O));
  zero.assign(static_cast<size_t>(O), 0.0f);
  Kernels().batch_norm_rows.inference_scale(gamma, variance, O, epsilon, scale.data());
  const BnAffine a{mean, zero.data(), scale.data(), beta};
  const BatchNormReluRows& k = Kernels().bn_relu_rows;
  if (PoolsInRegisters(g, pool)) {
    Conv2dBatchNormReluPoolDirect(g, x, f, a, *pool, y);
    return;
  }
  if (UseWinograd(g) && WholeWindows2x2(g, pool)) {
    Conv2dBatchNormReluPoolWinograd(g, x, f, a, *pool, y);
    return;
  }
  const std::unique_ptr<ConvRows> conv = MakeConvRows(g, x, f);
  if (pool == nullptr) {
    const int64_t m = g.batch * g.out_h * g.out_w, granule = conv->Granule();
    int64_t per_task = std::min<int64_t>(kTaskPixels, ((m + kMinTasks - 1) / kMinTasks + 11) / 12 * 12);
    // Whole granules (Winograd's tile rows), enough of them to fill its tiles.
    if (granule > 1) per_task = (std::max(per_task, conv->MinRows()) + conv->MinRows() - 1) / conv->MinRows() * conv->MinRows();
    InferenceRanges(g, m, per_task, [&](int64_t i0, int64_t i1) {
      float* out = y + i0 * O;
      conv->Rows(i0, i1 - i0, out);
      k.relu(out, i1 - i0, O, a, out);
    });
    return;
  }
  const ConvGeom& p = *pool;
  // Whole pooled rows of one image per task, and the conv rows their windows read.
  const int64_t per_pooled_row = std::max<int64_t>(1, p.stride_h * g.out_w);
  int64_t block = std::max<int64_t>(1, std::min<int64_t>(kPoolTaskPixels / per_pooled_row, (g.batch * p.out_h + kMinTasks - 1) / kMinTasks));
  // At least the conv's fewest useful rows (Winograd's tiles), within one image.
  block = std::min(p.out_h, std::max(block, (conv->MinRows() + per_pooled_row - 1) / per_pooled_row));
  const int64_t blocks_per_image = (p.out_h + block - 1) / block;
  InferenceTasks(g, g.batch * blocks_per_image, [&](int64_t task) {
    const int64_t n = task / blocks_per_image, ph0 = (task % blocks_per_image) * block;
    const int64_t ph1 = std::min(p.out_h, ph0 + block);
    const int64_t r0 = std::max<int64_t>(0, ph0 * p.stride_h - p.pad_top);
    const int64_t r1 = std::min(g.out_h, (ph1 - 1) * p.stride_h - p.pad_top + p.k_h);
    thread_local std::vector<float> rows;
    rows.resize(static_cast<size_t>((r1 - r0) * g.out_w * O));
    conv->Rows((n * g.out_h + r0) * g.out_w, (r1 - r0) * g.out_w, rows.data());
    // The pool's geometry on these rows alone: image n's conv rows [r0, r1) and pooled rows [ph0, ph1).
    ConvGeom local = p;
    local.batch = 1;
    local.in_h = r1 - r0;
    local.out_h = ph1 - ph0;
    local.pad_top = p.pad_top + r0 - ph0 * p.stride_h;
    float* out = y + (n * p.out_h + ph0) * p.out_w * O;
    for (int64_t q = 0; q < ph1 - ph0; ++q) k.pool_row_value(local, rows.data(), a, out, q);
  });
}

void Conv2dBatchNormReluTraining(const ConvGeom& g, const float* x, const float* f, const float* gamma,
                                 const float* beta, double epsilon, const ConvGeom* pool, float* z, float* y,
                                 int32_t* argmax, float* mean, float* variance, float* inv_std) {
  const int64_t O = g.out_c, rows = g.batch * g.out_h * g.out_w;
  const std::unique_ptr<ConvRows> conv = MakeConvRows(g, x, f);
  // The chunks of BatchNormStatistics, so the statistics have its bits.
  const int64_t per = BatchNormRowsPerChunk(O), chunks = (rows + per - 1) / per;
  std::vector<double> stats(static_cast<size_t>(chunks * O * 2));
  const BatchNormRows& k = Kernels().batch_norm_rows;
  const int64_t granule = conv->Granule();
  if (chunks < kMinTasks) {
    // Too few chunks to share among the threads (a small batch): the
    // convolution in smaller pieces first; z is small enough to stay cached.
    int64_t grain = std::max<int64_t>(12, ((rows + kMinTasks - 1) / kMinTasks + 11) / 12 * 12);
    if (granule > 1) grain = std::max(conv->MinRows(), (grain + granule - 1) / granule * granule);
    ParallelRanges(rows, grain, [&](int64_t r0, int64_t r1) { conv->Rows(r0, r1 - r0, z + r0 * O); });
  }
  // Chunks in groups whose rows are whole granules (Winograd's tile rows,
  // each computed once), while a group's z (up to 512 KiB) stays in L2.
  // With too few chunks, one chunk a task (the convolution ran above).
  int64_t group = 1;
  if (chunks >= kMinTasks && granule > 1) {
    const int64_t whole = std::lcm(per, granule) / per;
    if (whole * per * O <= (int64_t{1} << 17) && (chunks + whole - 1) / whole >= kMinTasks / 2) group = whole;
  }
  ParallelTasks((chunks + group - 1) / group, [&](int64_t task) {
    const int64_t q0 = task * group, q1 = std::min(chunks, q0 + group);
    if (chunks >= kMinTasks) conv->Rows(q0 * per, std::min(rows, q1 * per) - q0 * per, z + q0 * per * O);
    for (int64_t q = q0; q < q1; ++q) {
      const int64_t r0 = q * per, r1 = std::min(rows, r0 + per);
      double* mu = stats.data() + q * O * 2;
      k.stats(z + r0 * O, r1 - r0, O, mu, mu + O);
    }
  });
  std::vector<float> scale(static_cast<size_t>(O)), mean_lo(static_cast<size_t>(O));
  BatchNormMergeStatistics(rows, O, stats.data(), gamma, epsilon, mean, variance, inv_std, mean_lo.data(), scale.data());
  BatchNormReluApply(rows, O, z, {mean, mean_lo.data(), scale.data(), beta}, pool, y, argmax);
}

}  // namespace bw

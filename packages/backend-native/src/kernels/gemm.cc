#include "kernels/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "kernels/copy.h"
#include "kernels/pack.h"
#include "runtime/kernel-table.h"
#include "runtime/scratch.h"
#include "runtime/parallel.h"

namespace bw {
namespace {

// Block sizes. KC x NR of B (32 KiB at NR=32) stays in L1 while the MC x KC
// block of A (144 KiB) streams from L2; one task covers MC rows x kTaskCols
// columns, so a 1024^2 output gives 32 tasks to balance across threads.
constexpr int64_t kKc = 256;
constexpr int64_t kMc = 144;  // a multiple of the native MRs (4, 6, 12); rounded down to others'
constexpr int64_t kTaskCols = 256;
// Below this many multiply-adds the pool's wake-up costs more than it saves.
constexpr int64_t kInlineFlops = int64_t{1} << 17;
// Fewest tasks worth aiming for before blocks are made smaller (2 cores x 4).
constexpr int64_t kMinTasks = 8;

// Products with at most this many rows take the row kernel.
constexpr int64_t kRowKernelMaxRows = 4;

constexpr int kScalarMr = 4;
constexpr int kScalarNr = 8;

// Plain C++ 4 x 8 tile; the compiler may use SSE2 (the x86-64 baseline) but no FMA.
void MicroScalar(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate) {
  float acc[kScalarMr][kScalarNr] = {};
  for (int64_t p = 0; p < kc; ++p) {
    for (int r = 0; r < kScalarMr; ++r) {
      const float av = a[r];
      for (int j = 0; j < kScalarNr; ++j) acc[r][j] += av * b[j];
    }
    a += kScalarMr;
    b += kScalarNr;
  }
  for (int r = 0; r < kScalarMr; ++r) {
    float* row = c + r * ldc;
    for (int j = 0; j < kScalarNr; ++j) row[j] = accumulate ? row[j] + acc[r][j] : acc[r][j];
  }
}

// A zero run of at least n floats, for padding slivers through the transposing copy.
const float* Zeros(int64_t n) {
  thread_local std::vector<float> zeros;
  if (static_cast<int64_t>(zeros.size()) < n) zeros.assign(static_cast<size_t>(n), 0.0f);
  return zeros.data();
}

void PackB(const GemmProblem& p, int64_t k0, int64_t kc, int64_t j0, int64_t width, int nr, float* dst) {
  const int64_t rs = p.b_row_stride, cs = p.b_col_stride;
  for (int64_t js = 0; js < width; js += nr) {
    const int64_t w = std::min<int64_t>(nr, width - js);
    float* d = dst + js * kc;
    const float* src = p.b + k0 * rs + (j0 + js) * cs;
    if (rs == 1 && cs != 1 && nr <= 32) {
      // B transposed (stored [n, k]): each column is a contiguous run of k, so
      // the sliver is a transposing copy of nr rows (zero rows past the width).
      const float* rows[32];
      for (int64_t j = 0; j < nr; ++j) rows[j] = j < w ? src + j * cs : Zeros(kc);
      PackRows(rows, kc, nr, d);
      continue;
    }
    for (int64_t k = 0; k < kc; ++k, d += nr) {
      const float* s = src + k * rs;
      if (cs == 1) {
        CopyFloats(d, s, w);
      } else {
        for (int64_t j = 0; j < w; ++j) d[j] = s[j * cs];
      }
      for (int64_t j = w; j < nr; ++j) d[j] = 0.0f;
    }
  }
}

// B packed once for the whole call: panel pc (kc rows) holds every column as
// NR slivers, [sliver][k][nr], at packed + pc * npad_all.
struct PackedB {
  const float* data = nullptr;
  int64_t npad_all = 0;
};

// One task: rows [i0, i0+mc) x columns [j0, j0+width) over k in [kb, ke).
void Block(const GemmProblem& p, const GemmKernel& kern, int64_t i0, int64_t mc, int64_t j0, int64_t width,
           int64_t kb, int64_t ke, float* c, int64_t ldc, bool accumulate, const PackedB& packed) {
  const int mr = kern.mr, nr = kern.nr;
  const int64_t mpad = (mc + mr - 1) / mr * mr;
  const int64_t npad = (width + nr - 1) / nr * nr;
  float* abuf = ScratchA(mpad * kKc);
  float* own_b = packed.data == nullptr ? ScratchB(npad * kKc) : nullptr;
  float tile[kGemmMaxTile];
  for (int64_t pc = kb; pc < ke; pc += kKc) {
    const int64_t kc = std::min(kKc, ke - pc);
    p.a->Pack(i0, mc, pc, kc, mr, abuf);
    const float* bbuf = own_b;
    if (packed.data != nullptr) {
      bbuf = packed.data + pc * packed.npad_all + j0 * kc;
    } else {
      PackB(p, pc, kc, j0, width, nr, own_b);
    }
    const bool acc = accumulate || pc > kb;
    for (int64_t jr = 0; jr < width; jr += nr) {
      const int64_t w = std::min<int64_t>(nr, width - jr);
      const float* bs = bbuf + jr * kc;
      for (int64_t ir = 0; ir < mc; ir += mr) {
        const int64_t h = std::min<int64_t>(mr, mc - ir);
        const float* as = abuf + ir * kc;
        float* ct = c + (i0 + ir) * ldc + (j0 + jr);
        if (h == mr && w == nr) {
          kern.micro(kc, as, bs, ct, ldc, acc);
          continue;
        }
        // Edge tile: compute the full tile aside and copy the valid part, so
        // the microkernel never writes outside C.
        kern.micro(kc, as, bs, tile, nr, false);
        for (int64_t r = 0; r < h; ++r) {
          for (int64_t j = 0; j < w; ++j) {
            ct[r * ldc + j] = acc ? ct[r * ldc + j] + tile[r * nr + j] : tile[r * nr + j];
          }
        }
      }
    }
  }
}

}  // namespace

void StridedA::Pack(int64_t i0, int64_t mc, int64_t k0, int64_t kc, int mr, float* dst) const {
  for (int64_t is = 0; is < mc; is += mr) {
    const int64_t h = std::min<int64_t>(mr, mc - is);
    float* d = dst + is * kc;
    if (cs_ == 1) {
      // Rows past mc are packed from a zero row so the transposing copy sees full slivers.
      const float* rows[32];
      for (int64_t r = 0; r < mr; ++r) rows[r] = r < h ? a_ + (i0 + is + r) * rs_ + k0 : Zeros(kc);
      PackRows(rows, kc, mr, d);
      continue;
    }
    for (int64_t k = 0; k < kc; ++k) {
      const float* src = a_ + (i0 + is) * rs_ + (k0 + k) * cs_;
      // A transposed (stored [k, m]): a whole sliver row is contiguous.
      if (rs_ == 1 && h == mr) {
        CopyFloats(d + k * mr, src, mr);
        continue;
      }
      for (int64_t r = 0; r < h; ++r) d[k * mr + r] = src[r * rs_];
    }
    for (int64_t r = h; r < mr; ++r) {
      for (int64_t k = 0; k < kc; ++k) d[k * mr + r] = 0.0f;
    }
  }
}

void RowScalar(int64_t n, int64_t k, int64_t kc, const float* a, const float* b, int64_t ldb, float* c, bool accumulate) {
  // MicroScalar's arithmetic: acc += a * b (no FMA), one chain per column and block.
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t q0 = 0; q0 < k; q0 += kc) {
      float acc = 0.0f;
      for (int64_t q = q0; q < std::min(k, q0 + kc); ++q) acc += a[q] * b[q * ldb + j];
      c[j] = accumulate || q0 > 0 ? c[j] + acc : acc;
    }
  }
}

GemmKernel GemmKernelScalar() { return {kScalarMr, kScalarNr, MicroScalar, "scalar-4x8", nullptr, RowScalar}; }

void Gemm(const GemmProblem& p) {
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k <= 0) {
    if (!p.accumulate) {
      for (int64_t i = 0; i < p.m; ++i) std::fill(p.c + i * p.ldc, p.c + i * p.ldc + p.n, 0.0f);
    }
    return;
  }
  const GemmKernel& kern = Kernels().gemm;
  // A few rows (a batch of one or two): one row of A at a time against B read
  // in place, columns in independent ranges; each element is the same sum as
  // in the blocked path below. Packing B for a 1 x 10 x 3136 product wrote
  // 400 KB for 63 thousand multiply-adds.
  if (p.m <= kRowKernelMaxRows && kern.row != nullptr && p.b_col_stride == 1 && !(p.k_chunk > 0 && p.k > p.k_chunk)) {
    // Rows of A read in place when contiguous (a batch of one through a dense
    // layer), else packed once (transposeA).
    const float* rows[kRowKernelMaxRows];
    std::vector<float> packed_rows;
    for (int64_t i = 0; i < p.m; ++i) rows[i] = p.a->Row(i);
    if (rows[0] == nullptr) {
      packed_rows.resize(static_cast<size_t>(p.m * p.k));
      p.a->Pack(0, p.m, 0, p.k, 1, packed_rows.data());
      for (int64_t i = 0; i < p.m; ++i) rows[i] = packed_rows.data() + i * p.k;
    }
    auto run = [&](int64_t j0, int64_t j1) {
      for (int64_t i = 0; i < p.m; ++i) {
        kern.row(j1 - j0, p.k, kKc, rows[i], p.b + j0, p.b_row_stride, p.c + i * p.ldc + j0, p.accumulate);
      }
    };
    if (p.m * p.n * p.k < kInlineFlops) {
      run(0, p.n);
    } else {
      ParallelRanges(p.n, std::max<int64_t>(64, kInlineFlops / std::max<int64_t>(1, p.m * p.k) / 64 * 64),
                     [&](int64_t j0, int64_t j1) { run(j0, j1); });
    }
    return;
  }
  // At most 16 columns and A stored densely (a dense layer with 10 outputs,
  // forward and weight gradient): the narrow kernel, rows in tasks of a size
  // fixed by the problem; each element is the blocked path's sum.
  const float* a_dense = nullptr;
  int64_t a_rs = 0, a_cs = 0;
  if (p.n <= kGemmNarrowMaxCols && kern.narrow != nullptr && p.b_col_stride == 1 && !(p.k_chunk > 0 && p.k > p.k_chunk) &&
      p.a->Dense(&a_dense, &a_rs, &a_cs)) {
    auto rows = [&](int64_t i0, int64_t i1) {
      kern.narrow(i1 - i0, p.n, p.k, kKc, a_dense + i0 * a_rs, a_rs, a_cs, p.b, p.b_row_stride, p.c + i0 * p.ldc, p.ldc,
                  p.accumulate);
    };
    if (p.m * p.n * p.k < kInlineFlops) {
      rows(0, p.m);
    } else {
      ParallelRanges(p.m, std::max<int64_t>(8, kInlineFlops / std::max<int64_t>(1, p.n * p.k) / 8 * 8), rows);
    }
    return;
  }
  // A stored densely packs as fast into any MR, so it takes the ISA's taller
  // tile where there is one (GemmKernel::strided_micro); the packers of
  // convolution patches copy whole runs of MR channels, which that MR may not divide.
  GemmKernel tiled = kern;
  if (kern.strided_micro != nullptr && p.a->Dense(&a_dense, &a_rs, &a_cs)) {
    tiled.mr = kern.strided_mr;
    tiled.micro = kern.strided_micro;
  }
  // Smaller blocks when a problem would give few tasks (a 60x100 MLP layer is
  // one 144x256 block), so several threads can share it. The block shape comes
  // from the problem size only; and without a k-split every C element is the
  // same sequence of FMAs whatever the partition, so the bits never change.
  const bool split = p.k_chunk > 0 && p.k > p.k_chunk;
  const int64_t chunk = split ? p.k_chunk : p.k;
  const int64_t k_chunks = (p.k + chunk - 1) / chunk;
  int64_t mc = kMc / tiled.mr * tiled.mr;
  int64_t nb = (kTaskCols + tiled.nr - 1) / tiled.nr * tiled.nr;
  // k chunks are tasks too: the filter gradient has few blocks but many chunks.
  auto blocks = [&] { return ((p.m + mc - 1) / mc) * ((p.n + nb - 1) / nb) * k_chunks; };
  while (blocks() < kMinTasks && p.m * p.n * p.k >= kInlineFlops && (mc > tiled.mr || nb > tiled.nr)) {
    if (nb > tiled.nr && (p.n + nb - 1) / nb < (p.m + mc - 1) / mc) {
      nb = std::max<int64_t>(tiled.nr, (nb / 2 + tiled.nr - 1) / tiled.nr * tiled.nr);
    } else if (mc > tiled.mr) {
      mc = std::max<int64_t>(tiled.mr, (mc / 2 + tiled.mr - 1) / tiled.mr * tiled.mr);
    } else {
      nb = std::max<int64_t>(tiled.nr, (nb / 2 + tiled.nr - 1) / tiled.nr * tiled.nr);
    }
  }
  const int64_t m_blocks = (p.m + mc - 1) / mc;
  const int64_t n_blocks = (p.n + nb - 1) / nb;
  std::vector<float> partial(split ? static_cast<size_t>(k_chunks * p.m * p.n) : 0);
  const int64_t tasks = m_blocks * n_blocks * k_chunks;
  // With several row blocks, each task packing its own B repeated that work
  // once per row block (8 times for a 1024^2 matMul: 33 MB of copies). Pack it
  // once, in parallel, first. The panels are the same, so are the bits.
  PackedB packed;
  std::unique_ptr<float[]> packed_storage;
  const bool big = p.m * p.n * p.k >= kInlineFlops;
  if (!split && m_blocks > 1) {
    packed.npad_all = (p.n + tiled.nr - 1) / tiled.nr * tiled.nr;
    packed_storage.reset(new float[static_cast<size_t>(packed.npad_all * p.k)]);
    packed.data = packed_storage.get();
    float* dst = packed_storage.get();
    const int64_t panels = (p.k + kKc - 1) / kKc;
    auto pack = [&](int64_t t) {
      const int64_t pc = (t / n_blocks) * kKc, j0 = (t % n_blocks) * nb;
      const int64_t kc = std::min(kKc, p.k - pc);
      PackB(p, pc, kc, j0, std::min(nb, p.n - j0), tiled.nr, dst + pc * packed.npad_all + j0 * kc);
    };
    if (big) {
      ParallelTasks(panels * n_blocks, pack);
    } else {
      for (int64_t t = 0; t < panels * n_blocks; ++t) pack(t);
    }
  }
  auto task = [&](int64_t t) {
    const int64_t kc_id = t / (m_blocks * n_blocks);
    const int64_t rest = t % (m_blocks * n_blocks);
    const int64_t i0 = (rest / n_blocks) * mc;
    const int64_t j0 = (rest % n_blocks) * nb;
    const int64_t kb = kc_id * chunk;
    const int64_t ke = std::min(p.k, kb + chunk);
    if (split) {
      Block(p, tiled, i0, std::min(mc, p.m - i0), j0, std::min(nb, p.n - j0), kb, ke,
            partial.data() + kc_id * p.m * p.n, p.n, false, packed);
    } else {
      Block(p, tiled, i0, std::min(mc, p.m - i0), j0, std::min(nb, p.n - j0), kb, ke, p.c, p.ldc, p.accumulate, packed);
    }
  };
  if (!big) {
    for (int64_t t = 0; t < tasks; ++t) task(t);
  } else {
    ParallelTasks(tasks, task);
  }
  if (!split) return;
  // Chunks are added in chunk order whatever thread computed them.
  const int64_t grain = std::max<int64_t>(1, 16384 / p.n);
  ParallelRanges(p.m, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      float* crow = p.c + i * p.ldc;
      for (int64_t j = 0; j < p.n; ++j) {
        float s = partial[i * p.n + j];
        for (int64_t q = 1; q < k_chunks; ++q) s += partial[(q * p.m + i) * p.n + j];
        crow[j] = p.accumulate ? crow[j] + s : s;
      }
    }
  });
}

}  // namespace bw

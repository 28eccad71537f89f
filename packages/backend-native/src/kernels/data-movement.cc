#include "kernels/data-movement.h"

#include <algorithm>
#include <cstring>

#include "runtime/parallel.h"

namespace bw {
namespace {

// Floats per task; tasks depend on the sizes only (copies are exact, but the split stays uniform).
constexpr int64_t kGrain = 1 << 16;

inline void CopyFloats(const float* src, float* dst, int64_t n) {
  if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

}  // namespace

void Gather(int64_t outer, int64_t n, int64_t inner, const float* x, int64_t k, const int32_t* indices, float* out) {
  // One slice of `inner` floats per output index (o, i).
  ParallelRanges(outer * k, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inner)), [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; ++s) {
      const int64_t o = s / k, i = s % k;
      CopyFloats(x + (o * n + indices[i]) * inner, out + s * inner, inner);
    }
  });
}

void ConcatInto(int64_t outer, int64_t block, const float* part, int64_t out_block, int64_t offset, float* out) {
  ParallelRanges(outer, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, block)), [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; ++o) CopyFloats(part + o * block, out + o * out_block + offset, block);
  });
}

void Copy(int64_t n, const float* src, float* dst) {
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) { CopyFloats(src + i0, dst + i0, i1 - i0); });
}

}  // namespace bw

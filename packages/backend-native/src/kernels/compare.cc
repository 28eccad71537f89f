#include "kernels/compare.h"

#include <algorithm>
#include <cstring>

#include "runtime/parallel.h"

namespace bw {
namespace {
constexpr int64_t kGrain = 1 << 15;
}  // namespace

void Compare(CompareKind kind, int64_t n, const float* a, const float* b, float* out) {
  ParallelRanges(n, kGrain, [&](int64_t i0, int64_t i1) {
    if (kind == CompareKind::kEqual) {
      for (int64_t i = i0; i < i1; ++i) out[i] = a[i] == b[i] ? 1.0f : 0.0f;
    } else {
      for (int64_t i = i0; i < i1; ++i) out[i] = a[i] > b[i] ? 1.0f : 0.0f;
    }
  });
}

void OneHot(int64_t n, int64_t depth, const float* indices, float* out) {
  ParallelRanges(n, std::max<int64_t>(1, kGrain / depth), [&](int64_t r0, int64_t r1) {
    std::memset(out + r0 * depth, 0, static_cast<size_t>((r1 - r0) * depth) * sizeof(float));
    for (int64_t r = r0; r < r1; ++r) out[r * depth + static_cast<int64_t>(indices[r])] = 1.0f;
  });
}

}  // namespace bw

// Comparisons as 0/1 floats, and one-hot rows.
#pragma once

#include <cstdint>

namespace bw {

enum class CompareKind { kEqual, kGreater };

// out = (a == b) or (a > b) as 1 or 0; any NaN gives 0.
void Compare(CompareKind kind, int64_t n, const float* a, const float* b, float* out);

// out [n, depth] = 1 at (i, indices[i]), 0 elsewhere; every index is an integer in [0, depth).
void OneHot(int64_t n, int64_t depth, const float* indices, float* out);

}  // namespace bw

// Reductions over any set of axes (float64 accumulation) and argMax over the last axis.
#pragma once

#include <cstdint>
#include <vector>

namespace bw {

enum class ReduceKind { kSum, kMean, kMax };

// out holds the product of the kept dims, in row-major order of the kept axes.
void Reduce(ReduceKind kind, const std::vector<int64_t>& dims, const std::vector<bool>& reduced, const float* x,
            float* out);

// x viewed as [rows, cols]; out[r] = index of the first maximum of row r, as a float.
void ArgMaxLast(int64_t rows, int64_t cols, const float* x, float* out);

}  // namespace bw

// Axis permutation of a dense row-major tensor.
#pragma once

#include <cstdint>
#include <vector>

namespace bw {

// out dims are dims[perm[k]]; out is written in its own row-major order.
void Transpose(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm, const float* x, float* out);

}  // namespace bw

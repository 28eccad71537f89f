// Exact copies: gather along an axis, one part of a concat, assign.
#pragma once

#include <cstdint>

namespace bw {

// x viewed as [outer, n, inner]; out [outer, k, inner] with out[o, i] = x[o, indices[i]] (indices in [0, n)).
void Gather(int64_t outer, int64_t n, int64_t inner, const float* x, int64_t k, const int32_t* indices, float* out);

// part viewed as [outer, block] goes to columns [offset, offset + block) of out viewed as [outer, out_block].
void ConcatInto(int64_t outer, int64_t block, const float* part, int64_t out_block, int64_t offset, float* out);

// dst = src, n floats.
void Copy(int64_t n, const float* src, float* dst);

}  // namespace bw

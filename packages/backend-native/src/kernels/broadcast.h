// x op v with a vector v along one axis of x: x viewed as [outer, n, inner], v[j] meets index j.
#pragma once

#include <cstdint>

namespace bw {

enum class BroadcastOp { kAdd, kSub, kMul, kDiv };

// One float operation per element (correctly rounded, so equal to every other backend's result).
void BroadcastBinary(BroadcastOp op, int64_t outer, int64_t n, int64_t inner, const float* x, const float* v, float* y);

}  // namespace bw

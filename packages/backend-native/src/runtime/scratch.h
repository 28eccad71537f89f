// Per-thread packing buffers, grown on demand and reused across calls, so a
// GEMM allocates nothing in steady state. 64-byte aligned for the packed panels.
#pragma once

#include <cstdint>

namespace bw {

float* ScratchA(int64_t floats);
float* ScratchB(int64_t floats);
float* ScratchC(int64_t floats);

}  // namespace bw

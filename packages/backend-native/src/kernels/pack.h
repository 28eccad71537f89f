// Transposing copy used by the GEMM A-packers.
#pragma once

#include <cstdint>

namespace bw {

// d[q * mr + r] = rows[r][q] for q < run and r < mr: mr row pointers, each
// read contiguously, written as the k-major packed panel.
void PackRows(const float* const* rows, int64_t run, int mr, float* d);

}  // namespace bw

// CPU detection and the SIMD level chosen once at load.
#pragma once

#include <string>

namespace bw {

enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA3, and the OS saves YMM state
  bool avx512 = false;    // AVX-512 F/DQ/BW/VL, and the OS saves ZMM/opmask state
};

// What the processor and the operating system support (CPUID + XGETBV).
CpuFeatures DetectCpu();

const char* IsaName(Isa isa);

// The level in use: the best detected one, lowered by BATCHWISE_ISA.
Isa ActiveIsa();

// Non-empty when BATCHWISE_ISA held something other than scalar|avx2|avx512.
const std::string& IsaSelectionError();

}  // namespace bw

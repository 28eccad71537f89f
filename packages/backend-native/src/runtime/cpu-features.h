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

// Size in bytes of the largest cache one core shares with its neighbours (the
// L3 of one CCX on AMD), from CPUID's cache descriptors (leaf 0x8000001D on AMD,
// leaf 4 on Intel); 0 when the processor does not describe it.
long long LastLevelCacheBytes();

// The level in use: the best detected one, lowered by BATCHWISE_ISA.
Isa ActiveIsa();

// Non-empty when BATCHWISE_ISA held something other than scalar|avx2|avx512.
const std::string& IsaSelectionError();

}  // namespace bw

#include "runtime/cpu-features.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

// CPUID and XGETBV exist on x86 only; elsewhere (wasm32, arm64) nothing is
// detected and the scalar variants run.
#if defined(__x86_64__) || defined(__i386__)
#define BW_X86 1
#include <cpuid.h>
#endif

namespace bw {
namespace {

#ifdef BW_X86
uint64_t ReadXcr0() {
  // XGETBV directly: _xgetbv would need -mxsave on this file, which must run everywhere.
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}
#endif

struct Selection {
  Isa isa = Isa::kScalar;
  std::string error;
};

Selection Select() {
  Selection s;
  CpuFeatures f = DetectCpu();
  Isa best = f.avx512 ? Isa::kAvx512 : (f.avx2_fma ? Isa::kAvx2 : Isa::kScalar);
  s.isa = best;
  const char* env = std::getenv("BATCHWISE_ISA");
  if (env == nullptr || env[0] == '\0') return s;
  Isa wanted;
  if (std::strcmp(env, "scalar") == 0) {
    wanted = Isa::kScalar;
  } else if (std::strcmp(env, "avx2") == 0) {
    wanted = Isa::kAvx2;
  } else if (std::strcmp(env, "avx512") == 0) {
    wanted = Isa::kAvx512;
  } else {
    s.error = std::string("BATCHWISE_ISA must be one of 'scalar', 'avx2', 'avx512', received '") + env + "'.";
    return s;
  }
  // The variable can only lower the level: asking for more than the CPU has keeps the best it has.
  if (static_cast<int>(wanted) < static_cast<int>(best)) s.isa = wanted;
  return s;
}

const Selection& Selected() {
  static const Selection selection = Select();
  return selection;
}

}  // namespace

CpuFeatures DetectCpu() {
  CpuFeatures f;
#ifndef BW_X86
  return f;
#else
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = (ecx >> 27) & 1;
  const bool avx = (ecx >> 28) & 1;
  const bool fma = (ecx >> 12) & 1;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = ReadXcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;        // SSE and AVX state
  const bool zmm_state = (xcr0 & 0xE6) == 0xE6;      // plus opmask, ZMM_Hi256, Hi16_ZMM
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  const bool avx2 = (ebx >> 5) & 1;
  const bool avx512f = (ebx >> 16) & 1;
  const bool avx512dq = (ebx >> 17) & 1;
  const bool avx512bw = (ebx >> 30) & 1;
  const bool avx512vl = (ebx >> 31) & 1;
  f.avx2_fma = ymm_state && avx2 && fma;
  f.avx512 = f.avx2_fma && zmm_state && avx512f && avx512dq && avx512bw && avx512vl;
  return f;
#endif
}

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx2: return "avx2";
    default: return "scalar";
  }
}

Isa ActiveIsa() { return Selected().isa; }

const std::string& IsaSelectionError() { return Selected().error; }

#ifdef BW_X86
namespace {

// Largest data/unified cache among the subleaves of a deterministic cache
// parameters leaf (same layout on AMD's 0x8000001D and Intel's 4).
long long LargestCache(unsigned leaf) {
  long long best = 0;
  for (unsigned i = 0; i < 16; ++i) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(leaf, i, &eax, &ebx, &ecx, &edx)) break;
    const unsigned type = eax & 31u;
    if (type == 0) break;
    if (type == 2) continue;  // instruction cache
    const long long ways = ((ebx >> 22) & 0x3ffu) + 1, parts = ((ebx >> 12) & 0x3ffu) + 1, line = (ebx & 0xfffu) + 1;
    const long long size = ways * parts * line * (static_cast<long long>(ecx) + 1);
    if (size > best) best = size;
  }
  return best;
}

}  // namespace

#endif

long long LastLevelCacheBytes() {
#ifndef BW_X86
  return 0;
#else
  static const long long bytes = [] {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0LL;
    const unsigned max_leaf = eax;
    const bool amd = ebx == 0x68747541u;  // "Auth" of "AuthenticAMD"
    if (amd) {
      if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x8000001Du) return 0LL;
      return LargestCache(0x8000001Du);
    }
    return max_leaf >= 4 ? LargestCache(4) : 0LL;
  }();
  return bytes;
#endif
}

}  // namespace bw

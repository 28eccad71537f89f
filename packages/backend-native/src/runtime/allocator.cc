#include "runtime/allocator.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace bw {
namespace {

// Every kernel returns fresh Float32Arrays (the Backend contract), which V8
// allocates with calloc. glibc serves blocks above its mmap threshold (128 KiB
// at start, raised only by frees) with a new mapping each time, and trims the
// heap top once it holds twice that; both hand memory back to the kernel, so
// the next output is faulted in page by page, which cost memory-bound kernels
// most of their time (docs/backend-native/design.md, "Output memory"). Below 32 MiB (glibc's ceiling for this setting) blocks
// now come from the heap and freed tensors are reused; up to kTrimThreshold of
// free heap is kept before glibc returns memory to the system.
constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 256 << 20;

bool IsSet(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0';
}

std::string Tune() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("BATCHWISE_MALLOC_TUNING");
  if (opt != nullptr && std::strcmp(opt, "0") == 0) return "glibc defaults (BATCHWISE_MALLOC_TUNING=0)";
  // Whoever set glibc's own knobs knows what they want.
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (IsSet("MALLOC_MMAP_THRESHOLD_") || IsSet("MALLOC_TRIM_THRESHOLD_") ||
      (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr)) {
    return "glibc as set by the environment (MALLOC_*_ or GLIBC_TUNABLES)";
  }
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1 || mallopt(M_TRIM_THRESHOLD, kTrimThreshold) != 1) {
    return "glibc defaults (mallopt refused, e.g. under a sanitizer)";
  }
  return "glibc, heap reuse up to 32 MiB blocks, trim above 256 MiB free";
#else
  return "system allocator (not glibc; left alone)";
#endif
}

}  // namespace

const std::string& TuneAllocator() {
  static std::once_flag once;
  static std::string* text = nullptr;
  std::call_once(once, [] { text = new std::string(Tune()); });
  return *text;
}

}  // namespace bw

#include "kernels/winograd-filter-cache.h"

#include <array>
#include <cstring>
#include <new>
#include <vector>

namespace bw {

AlignedFloats::AlignedFloats(int64_t floats)
    : data_(static_cast<float*>(::operator new(static_cast<size_t>(floats) * sizeof(float), std::align_val_t{64}))),
      size_(floats) {}

AlignedFloats::~AlignedFloats() { ::operator delete(data_, std::align_val_t{64}); }

namespace {

// A model's convolutions fit: four, most of them in L2 when they are small.
constexpr int kEntries = 4;
// The spare buffer for filters not kept stays at most 4 MiB per thread.
constexpr int64_t kMaxSpareFloats = int64_t{1} << 20;

struct Entry {
  int64_t C = 0, O = 0, nr = 0;
  std::vector<float> source;  // the filter's 9 * C * O floats
  std::shared_ptr<AlignedFloats> transformed;
  uint64_t used = 0;
};

struct Cache {
  std::array<Entry, kEntries> entries;
  uint64_t clock = 0;
};

// A filter too large to keep is transformed on every call, into the calling
// thread's spare buffer when no plan still holds it and it is large enough
// (no fresh allocation, page faults or zero fill per call), else a new block,
// which becomes the spare when it is not too large to keep either.
std::shared_ptr<const AlignedFloats> Uncached(int64_t floats, const std::function<void(float*)>& transform) {
  thread_local std::shared_ptr<AlignedFloats> spare;
  std::shared_ptr<AlignedFloats> made;
  if (spare && spare.use_count() == 1 && spare->size() >= floats) {
    made = spare;
  } else {
    made = std::make_shared<AlignedFloats>(floats);
    if (floats <= kMaxSpareFloats) spare = made;
  }
  transform(made->data());
  return made;
}

}  // namespace

std::shared_ptr<const AlignedFloats> WinogradFilterCached(const float* f, int64_t C, int64_t O, int nr, int64_t floats,
                                                          const std::function<void(float*)>& transform) {
  const int64_t source = 9 * C * O;
  if (source + floats > kMaxCachedFilterFloats) return Uncached(floats, transform);
  // Per thread: a JavaScript worker's calls never see another's entries, and need no lock.
  thread_local Cache cache;
  const size_t bytes = static_cast<size_t>(source) * sizeof(float);
  Entry* oldest = &cache.entries[0];
  for (Entry& e : cache.entries) {
    if (e.transformed && e.C == C && e.O == O && e.nr == nr && e.transformed->size() == floats &&
        std::memcmp(e.source.data(), f, bytes) == 0) {
      e.used = ++cache.clock;
      return e.transformed;
    }
    if (!e.transformed || e.used < oldest->used) oldest = &e;
  }
  Entry& e = *oldest;
  // Matches nothing until it is whole: an allocation that fails below (an
  // exception here, a trap in WebAssembly, whose module keeps serving) leaves
  // no entry whose key and transform disagree.
  e.C = -1;
  e.source.assign(f, f + source);
  // The evicted buffer is reused when no plan still holds it.
  if (!e.transformed || e.transformed.use_count() > 1 || e.transformed->size() != floats) {
    e.transformed.reset();
    e.transformed = std::make_shared<AlignedFloats>(floats);
  }
  transform(e.transformed->data());
  e.C = C;
  e.O = O;
  e.nr = nr;
  e.used = ++cache.clock;
  return e.transformed;
}

}  // namespace bw

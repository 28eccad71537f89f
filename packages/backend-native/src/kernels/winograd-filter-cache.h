// The calling thread's last few Winograd-transformed filters, each kept with a
// copy of the filter it was made from. A prediction convolves the same filters
// call after call, and at batch 1 transforming one again cost a tenth of the
// convolution. An entry is reused only when the filter's bits (compared in
// full: weights updated in place are seen), its shape and the packing are
// those it was made from, so what the products read is always the transform
// of the filter passed, bit for bit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace bw {

// `floats` floats, 64-byte aligned (the microkernels' B panels).
class AlignedFloats {
 public:
  explicit AlignedFloats(int64_t floats);
  ~AlignedFloats();
  AlignedFloats(const AlignedFloats&) = delete;
  AlignedFloats& operator=(const AlignedFloats&) = delete;
  float* data() const { return data_; }
  int64_t size() const { return size_; }

 private:
  float* data_;
  int64_t size_;
};

// The transformed filter of f [3, 3, C, O] packed for NR = nr into `floats`
// floats: a cached one made from the same bits, else made now by
// transform(dst) and remembered (a filter whose copy and transform together
// exceed kMaxCachedFilterFloats floats is made and not kept, so the entries
// hold at most 8 MiB per thread). Holding the result keeps it alive when
// later calls evict it.
std::shared_ptr<const AlignedFloats> WinogradFilterCached(const float* f, int64_t C, int64_t O, int nr, int64_t floats,
                                                          const std::function<void(float*)>& transform);

constexpr int64_t kMaxCachedFilterFloats = int64_t{1} << 19;

}  // namespace bw

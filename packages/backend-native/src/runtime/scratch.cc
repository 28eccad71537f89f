#include "runtime/scratch.h"

#include <cstddef>
#include <new>

namespace bw {
namespace {

// Aligned operator new rather than aligned_alloc + throw: the same bad_alloc
// here, and in the WebAssembly build (no exceptions) a failed allocation
// reports "out of memory" through its own operator new.
class Buffer {
 public:
  ~Buffer() { ::operator delete(data_, kAlign); }
  float* Get(int64_t floats) {
    if (floats > capacity_) {
      ::operator delete(data_, kAlign);
      data_ = nullptr;
      capacity_ = 0;
      data_ = static_cast<float*>(::operator new(static_cast<size_t>(floats) * sizeof(float), kAlign));
      capacity_ = floats;
    }
    return data_;
  }

 private:
  static constexpr std::align_val_t kAlign{64};
  float* data_ = nullptr;
  int64_t capacity_ = 0;
};

thread_local Buffer buffer_a;
thread_local Buffer buffer_b;
thread_local Buffer buffer_c;

}  // namespace

float* ScratchA(int64_t floats) { return buffer_a.Get(floats); }
float* ScratchB(int64_t floats) { return buffer_b.Get(floats); }
float* ScratchC(int64_t floats) { return buffer_c.Get(floats); }

}  // namespace bw

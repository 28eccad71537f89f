#include "runtime/scratch.h"

#include <cstdlib>
#include <new>

namespace bw {
namespace {

class Buffer {
 public:
  ~Buffer() { std::free(data_); }
  float* Get(int64_t floats) {
    if (floats > capacity_) {
      std::free(data_);
      data_ = nullptr;
      capacity_ = 0;
      // Round up to whole cache lines, as aligned_alloc requires a multiple of the alignment.
      const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (data_ == nullptr) throw std::bad_alloc();
      capacity_ = floats;
    }
    return data_;
  }

 private:
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

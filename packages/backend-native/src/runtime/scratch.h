// Per-thread packing buffers, grown on demand and reused across calls, so a
// GEMM allocates nothing in steady state. 64-byte aligned for the packed panels.
#pragma once

#include <cstdint>

namespace bw {

float* ScratchA(int64_t floats);
float* ScratchB(int64_t floats);
float* ScratchC(int64_t floats);

// A buffer of prepared weights (a packed or transformed filter) that a kernel
// builds on the calling thread and its tasks read: the calling thread's
// reusable buffer, or a heap block of its own when that buffer is already
// leased (two plans alive at once). Saves a fresh allocation, its page faults
// and a zero fill per call, which at batch 1 cost as much as the products.
class WeightsLease {
 public:
  explicit WeightsLease(int64_t floats);
  ~WeightsLease();
  WeightsLease(const WeightsLease&) = delete;
  WeightsLease& operator=(const WeightsLease&) = delete;
  // Uninitialized: the caller writes every element it reads.
  float* data() const { return data_; }

 private:
  float* data_;
  // The constructing thread's in-use flag when the per-thread buffer was taken (cleared through
  // this pointer, so a lease destroyed on another thread frees the right one), else null.
  bool* leased_;
};

}  // namespace bw

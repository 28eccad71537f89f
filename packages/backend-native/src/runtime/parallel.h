// The parallel loops the kernels use, and nothing else of a thread pool, so
// that the same kernel sources build against either pool: the native one
// (runtime/thread-pool.cc, std::thread) or the WebAssembly build's
// (backend-wasm/csrc/runtime/wasm-pool.cc, workers on one shared memory).
//
// Determinism: callers split work into tasks whose boundaries depend only on
// the problem size, never on the thread count, and each task writes its own
// outputs (or its own partial result, combined afterwards in task order). Which
// thread runs a task then cannot change a single bit of the result.
#pragma once

#include <cstdint>
#include <functional>

namespace bw {

// Calls fn(t) for every t in [0, tasks) and returns when all are done. The
// calling thread works too. One task, one thread or a nested call runs inline.
void ParallelTasks(int64_t tasks, const std::function<void(int64_t)>& fn);

// ParallelRanges for more than one piece (out of line).
void ParallelRangesSplit(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn, bool last_first);

// Splits [0, n) into pieces of `grain` (the last one shorter) and runs
// fn(begin, end) for each, in parallel. grain must come from the problem size.
// With last_first, ranges are handed out from the end: a pass that follows
// another over the same data starts where that one ended, on data still in cache.
// One piece runs inline before any std::function is made: wrapping a lambda
// with many captures allocates, twice per call, which a batch of one noticed.
template <class Fn>
void ParallelRanges(int64_t n, int64_t grain, const Fn& fn, bool last_first = false) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  if (n <= grain) {
    fn(int64_t{0}, n);
    return;
  }
  ParallelRangesSplit(n, grain, fn, last_first);
}

}  // namespace bw

// The thread pool of the WebAssembly build, with the API the kernels use
// (the native backend's runtime/thread-pool.h, which needs std::thread).
//
// Workers are JavaScript workers, each running this module's code on the one
// shared memory and blocked in WorkerLoop (memory.atomic.wait32) between jobs.
// A job is `tasks` independent calls fn(t): callers cut work into tasks that
// depend only on the problem size, so which thread runs a task never changes
// a bit of the result (the native pool's rule). Without shared memory (the
// single-threaded build) every Run is a loop on the caller.
#pragma once

#include <cstdint>
#include <functional>

namespace bw {

class ThreadPool {
 public:
  static ThreadPool& Instance();

  // Threads taking part in jobs, the caller included.
  int threads() const;

  // Uses n threads from now on (1..kMaxThreads). Workers index >= n - 1 sit jobs out.
  void SetThreads(int n);

  // Calls fn(t) for every t in [0, tasks) and returns when all are done. The
  // calling thread works too; one task, one thread or a nested call runs inline.
  void Run(int64_t tasks, const std::function<void(int64_t)>& fn);
};

// Splits [0, n) into pieces of `grain` (the last one shorter) and runs
// fn(begin, end) for each, in parallel. grain must come from the problem size.
// With last_first, ranges are handed out from the end (see the native header).
void ParallelRanges(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn,
                    bool last_first = false);

// Most threads a pool can use (workers + the caller).
constexpr int kMaxThreads = 64;

// Worker `index` (1-based; the caller is 0) takes tasks of every job from now
// on; never returns. Entered from JavaScript once per worker.
void WorkerLoop(int index);

// Called from JavaScript when worker `index` trapped inside a task: counts
// that task as finished so the caller never waits for it; Run then fails.
void WorkerTrapped(int index);

// Called from JavaScript after the calling thread trapped inside Run: stops the
// job from handing out more tasks and waits until the workers finished theirs.
void RecoverFromCallerTrap();

// Whether the calling (main) thread may sleep in memory.atomic.wait32 while
// workers finish; a browser's main thread may not, and then polls.
void SetCallerCanBlock(bool can_block);

}  // namespace bw

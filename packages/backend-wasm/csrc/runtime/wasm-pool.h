// The thread pool of the WebAssembly build: its implementation of the
// kernels' runtime/parallel.h (ParallelTasks; the native build's pool needs
// std::thread), plus the controls the JavaScript side drives.
//
// Workers are JavaScript workers, each running this module's code on the one
// shared memory and blocked in WorkerLoop (memory.atomic.wait32) between jobs.
// Without shared memory (the single-threaded module) every job is a loop on
// the caller.
#pragma once

#include <cstdint>

#include "runtime/parallel.h"

namespace bw {

// Threads taking part in jobs, the caller included.
int PoolThreads();

// Uses n threads from now on (1..kMaxThreads). Workers with index >= n sit jobs out.
void SetPoolThreads(int n);

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

// Tasks run on workers (not by the caller) since the module was loaded.
int64_t WorkerTasks();

}  // namespace bw

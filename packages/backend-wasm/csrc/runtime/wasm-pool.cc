#include "runtime/wasm-pool.h"

#include <algorithm>
#include <atomic>

#include "entry/error.h"

namespace bw {
namespace {

// A job's claim word: generation in the high half, next unclaimed task in the
// low half. A claim is a compare-exchange of the whole word, so a worker still
// holding last job's word can never claim a task of the next one.
constexpr uint64_t kClosed = 0xffffffffu;

struct Shared {
  std::atomic<uint64_t> word{kClosed};
  // The generation again, 32 bits wide for memory.atomic.wait32; bumped after `word` opens a job.
  std::atomic<int32_t> generation{0};
  std::atomic<int64_t> tasks{0};
  std::atomic<const std::function<void(int64_t)>*> fn{nullptr};
  std::atomic<int64_t> done{0};
  // done's low 32 bits, for the caller's wait32 (tasks < 2^31 per job).
  std::atomic<int32_t> done32{0};
  std::atomic<int32_t> failed{0};
  std::atomic<int32_t> active{1};
  // Tasks run on workers since load (not by the caller): shows the pool is in use.
  std::atomic<int64_t> worker_tasks{0};
  // 1 + the task each thread is running (0: none), for recovery after a trap.
  // Zero-initialised like every member: workers must not depend on a constructor having run.
  std::atomic<int64_t> running[kMaxThreads];
};

// In linear memory, so every instance of the module (one per worker) sees the same pool.
Shared pool;

// Per instance (wasm TLS): set on workers and on the caller while it runs a job,
// so that a kernel calling Run from inside a task runs inline.
thread_local bool in_task = false;

// Polls before sleeping: a job of a training step follows the last within
// microseconds, and a sleeping worker takes tens of them to wake (the native
// pool measured the same). No clock in wasm32 without WASI, so it counts loads.
constexpr int kSpinLoads = 1 << 15;

void Notify(std::atomic<int32_t>* word, uint32_t waiters) {
#if defined(__wasm_atomics__)
  __builtin_wasm_memory_atomic_notify(reinterpret_cast<int*>(word), waiters);
#else
  (void)word;
  (void)waiters;
#endif
}

// Returns once *word != seen: polls, then sleeps in memory.atomic.wait32 when `block`.
void WaitWhileEqual(std::atomic<int32_t>* word, int32_t seen, bool block) {
  for (int i = 0; i < kSpinLoads; ++i) {
    if (word->load(std::memory_order_acquire) != seen) return;
  }
#if defined(__wasm_atomics__)
  while (word->load(std::memory_order_acquire) == seen) {
    if (block) __builtin_wasm_memory_atomic_wait32(reinterpret_cast<int*>(word), seen, -1);
  }
#else
  (void)block;
#endif
}

// Takes tasks of the open job until none is left.
void Work(int index) {
  for (;;) {
    uint64_t w = pool.word.load();
    const int64_t next = static_cast<int64_t>(w & 0xffffffffu);
    const int64_t tasks = pool.tasks.load();
    const auto* fn = pool.fn.load();
    if ((w & 0xffffffffu) == kClosed || next >= tasks) return;
    // Succeeds only while the job read above is still open (see Run).
    if (!pool.word.compare_exchange_weak(w, w + 1)) continue;
    pool.running[index].store(next + 1);
    (*fn)(next);
    pool.running[index].store(0);
    if (index != 0) pool.worker_tasks.fetch_add(1, std::memory_order_relaxed);
    if (pool.done.fetch_add(1) + 1 == tasks) {
      pool.done32.store(static_cast<int32_t>(tasks));
      Notify(&pool.done32, 1);
    }
  }
}

// The caller may block in memory.atomic.wait32 (Node's main thread and workers
// may; a browser's main thread may not, and then polls).
bool caller_can_block = true;

}  // namespace

int PoolThreads() { return pool.active.load(); }

void SetPoolThreads(int n) { pool.active.store(std::clamp(n, 1, kMaxThreads)); }

void ParallelTasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || pool.active.load() == 1 || in_task || tasks >= (int64_t{1} << 31)) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  // Close first, then fill in the job, then open it: a worker holding last
  // job's word fails its compare-exchange from the moment `word` changes, so
  // it never pairs an old claim with the new fn and task count.
  const uint64_t generation = (pool.word.load() >> 32) + 1;
  pool.word.store((generation << 32) | kClosed);
  pool.fn.store(&fn);
  pool.tasks.store(tasks);
  pool.done.store(0);
  pool.done32.store(0);
  pool.failed.store(0);
  pool.word.store(generation << 32);
  pool.generation.store(static_cast<int32_t>(generation));
  Notify(&pool.generation, static_cast<uint32_t>(pool.active.load() - 1));
  in_task = true;
  Work(0);
  in_task = false;
  // Wait for tasks still running on workers, not for workers that never woke.
  while (pool.done.load() != tasks) WaitWhileEqual(&pool.done32, 0, caller_can_block);
  // A task that trapped on a worker left its part of the outputs unwritten:
  // the kernel's call fails as a whole (keeping the worker's message if it left one).
  if (pool.failed.load() != 0) {
    if (LastErrorKind() != ErrorKind::kNone) __builtin_trap();
    FailAndTrap(ErrorKind::kInternal, "", "a task trapped on a worker; the kernel's outputs are incomplete.");
  }
}

void WorkerLoop(int index) {
  in_task = true;
  pool.running[index].store(0);
  int32_t seen = pool.generation.load();
  for (;;) {
    const bool parked = index >= pool.active.load();
    if (parked) {
#if defined(__wasm_atomics__)
      __builtin_wasm_memory_atomic_wait32(reinterpret_cast<int*>(&pool.generation), seen, -1);
#endif
    } else {
      WaitWhileEqual(&pool.generation, seen, true);
    }
    seen = pool.generation.load();
    if (index < pool.active.load()) Work(index);
  }
}

void WorkerTrapped(int index) {
  if (pool.running[index].exchange(0) == 0) return;
  pool.failed.store(1);
  const int64_t tasks = pool.tasks.load();
  if (pool.done.fetch_add(1) + 1 == tasks) {
    pool.done32.store(static_cast<int32_t>(tasks));
    Notify(&pool.done32, 1);
  }
}

void RecoverFromCallerTrap() {
  uint64_t w = pool.word.load();
  while (!pool.word.compare_exchange_weak(w, (w & ~uint64_t{0xffffffffu}) | kClosed)) {
  }
  for (int i = 1; i < kMaxThreads; ++i) {
    while (pool.running[i].load() != 0) {
    }
  }
  pool.running[0].store(0);
  in_task = false;
}

void SetCallerCanBlock(bool can_block) { caller_can_block = can_block; }

int64_t WorkerTasks() { return pool.worker_tasks.load(); }

}  // namespace bw

#include "runtime/thread-pool.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace bw {
namespace {

// How long an idle thread polls before it sleeps. A parked vCPU took tens of
// microseconds to wake on this VM, as long as a whole small GEMM, and the
// kernels of a training step come back to back (figures in
// docs/backend-native/design.md). OpenMP runtimes do the same
// (KMP_BLOCKTIME), for far longer.
constexpr auto kSpin = std::chrono::microseconds(50);

// Polls `done` for up to kSpin; true if it became true.
// A spin-wait hint to the core (PAUSE on x86); nothing elsewhere.
inline void CpuRelax() {
#if defined(__SSE2__)
  _mm_pause();
#endif
}

template <typename F>
bool SpinUntil(F done) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    if (done()) return true;
    CpuRelax();
    if ((i & 63) == 63) {
      if (std::chrono::steady_clock::now() - start > kSpin) return done();
      // On a shared machine, let whatever else is runnable on this core go first.
      std::this_thread::yield();
    }
  }
}

// Set on pool threads (and on the caller while it runs a job) so that a kernel
// calling Run from inside a task runs inline instead of deadlocking.
thread_local bool in_pool_task = false;

}  // namespace

int DefaultThreadCount() {
  const char* env = std::getenv("BATCHWISE_NUM_THREADS");
  if (env != nullptr && env[0] != '\0') {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != nullptr && *end == '\0' && v >= 1 && v <= 1024) return static_cast<int>(v);
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(std::min(hc, 1024u));
}

ThreadPool& ThreadPool::Instance() {
  // Never destroyed: worker threads may still be parked on the condition
  // variables when the process exits, and destroying those would be undefined.
  static ThreadPool* pool = new ThreadPool(DefaultThreadCount());
  return *pool;
}

ThreadPool::ThreadPool(int n) {
  StartWorkers(n);
  active_.store(n < 1 ? 1 : n);
}

void ThreadPool::StartWorkers(int n) {
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = generation_.load();
  }
  // Each worker starts from the generation current now: reading it from the
  // new thread instead could miss a job posted before the thread ran.
  for (int i = static_cast<int>(workers_.size()) + 1; i < n; ++i) {
    workers_.emplace_back([this, generation, i] { WorkerLoop(generation, i); });
  }
}

void ThreadPool::SetThreads(int n) {
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  if (n < 1) n = 1;
  StartWorkers(n);
  active_.store(n);
}

void ThreadPool::Work(Job& job) {
  for (;;) {
    const int64_t t = job.next.fetch_add(1, std::memory_order_relaxed);
    if (t >= job.tasks) return;
    // The caller's fn is alive here: Run returns only after every claimed task is done.
    try {
      (*job.fn)(t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(job.error_mutex);
      if (!job.error) job.error = std::current_exception();
    }
    if (job.done.fetch_add(1, std::memory_order_acq_rel) + 1 == job.tasks) {
      // Taking the lock orders this notify after the caller's check-then-wait.
      std::lock_guard<std::mutex> lock(mutex_);
      done_cv_.notify_all();
    }
  }
}

void ThreadPool::WorkerLoop(uint64_t seen, int index) {
  in_pool_task = true;
  for (;;) {
    // Parked workers sleep at once; active ones poll first.
    const bool parked = index >= active_.load(std::memory_order_relaxed);
    if (parked || !SpinUntil([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      work_cv_.wait(lock, [&] { return generation_.load() != seen; });
    }
    std::shared_ptr<Job> job;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_.load();
      job = job_;
    }
    // A parked worker (beyond the current thread count) lets the job pass.
    if (job && index < active_.load(std::memory_order_relaxed)) Work(*job);
  }
}

void ThreadPool::Run(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || active_.load(std::memory_order_relaxed) == 1 || in_pool_task) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->tasks = tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = job;
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  work_cv_.notify_all();
  in_pool_task = true;
  Work(*job);
  in_pool_task = false;
  // Wait for tasks still running on workers, not for workers that never woke.
  if (!SpinUntil([&] { return job->done.load(std::memory_order_acquire) == tasks; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [&] { return job->done.load() == tasks; });
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_ == job) job_.reset();
  }
  if (job->error) std::rethrow_exception(job->error);
}

void ParallelTasks(int64_t tasks, const std::function<void(int64_t)>& fn) { ThreadPool::Instance().Run(tasks, fn); }

}  // namespace bw

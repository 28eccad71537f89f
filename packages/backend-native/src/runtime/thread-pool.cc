#include "runtime/thread-pool.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

namespace bw {
namespace {

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

ThreadPool::ThreadPool(int n) { StartWorkers(n); }

void ThreadPool::StartWorkers(int n) {
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = false;
    generation = generation_;
  }
  // Each worker starts from the generation current now: reading it from the
  // new thread instead could miss a job posted before the thread ran.
  for (int i = 1; i < n; ++i) workers_.emplace_back([this, generation] { WorkerLoop(generation); });
}

void ThreadPool::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

void ThreadPool::SetThreads(int n) {
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  if (n < 1) n = 1;
  if (n == threads()) return;
  StopWorkers();
  StartWorkers(n);
}

void ThreadPool::Drain() {
  const auto& fn = *job_;
  const int64_t tasks = tasks_;
  for (;;) {
    int64_t t = claim_.fetch_add(1, std::memory_order_relaxed);
    if (t >= tasks) break;
    try {
      fn(t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
}

void ThreadPool::WorkerLoop(uint64_t seen) {
  in_pool_task = true;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    Drain();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --busy_workers_;
    }
    done_cv_.notify_one();
  }
}

void ThreadPool::Run(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || workers_.empty() || in_pool_task) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    tasks_ = tasks;
    error_ = nullptr;
    claim_.store(0, std::memory_order_relaxed);
    busy_workers_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  work_cv_.notify_all();
  in_pool_task = true;
  Drain();
  in_pool_task = false;
  std::exception_ptr error;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [&] { return busy_workers_ == 0; });
    job_ = nullptr;
    error = error_;
    error_ = nullptr;
  }
  if (error) std::rethrow_exception(error);
}

void ParallelRanges(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t pieces = (n + grain - 1) / grain;
  ThreadPool::Instance().Run(pieces, [&](int64_t p) {
    const int64_t begin = p * grain;
    fn(begin, std::min(n, begin + grain));
  });
}

}  // namespace bw

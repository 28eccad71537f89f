// One persistent pool of worker threads shared by every kernel: the native
// build's implementation of runtime/parallel.h (which states the determinism rule).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/parallel.h"

namespace bw {

class ThreadPool {
 public:
  // The process-wide pool, sized by BATCHWISE_NUM_THREADS or the core count.
  static ThreadPool& Instance();

  int threads() const { return active_.load(std::memory_order_relaxed); }

  // Uses n threads from now on (n >= 1), the caller included. Waits for a
  // running job first. Workers are started when first needed and then kept:
  // a smaller n parks the surplus instead of ending it, so alternating sizes
  // (a benchmark's 1 and 2 threads) never recreates threads; a new thread had
  // run on its creator's core for a while, halving 2-thread speed after each switch.
  void SetThreads(int n);

  // Calls fn(t) for every t in [0, tasks) and returns when all are done. The
  // calling thread works too. One task, one thread or a nested call runs inline.
  void Run(int64_t tasks, const std::function<void(int64_t)>& fn);

 private:
  // One Run: workers that wake late find its tasks all claimed and go back to
  // waiting, so a descheduled worker never holds the caller up.
  struct Job {
    const std::function<void(int64_t)>* fn = nullptr;
    int64_t tasks = 0;
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> done{0};
    std::mutex error_mutex;
    std::exception_ptr error;
  };

  explicit ThreadPool(int n);
  // Starts workers until there are n - 1.
  void StartWorkers(int n);
  // Worker `index` (1-based; the caller is 0) takes tasks only while index < threads().
  void WorkerLoop(uint64_t seen, int index);
  void Work(Job& job);

  std::vector<std::thread> workers_;
  std::atomic<int> active_{1};  // changed only under run_mutex_, so never during a job
  std::mutex run_mutex_;  // serialises Run calls (and SetThreads)
  std::mutex mutex_;      // guards job_ and the generation bump
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::atomic<uint64_t> generation_{0};  // bumped for each job
  std::shared_ptr<Job> job_;
};

// Threads to start with: BATCHWISE_NUM_THREADS when it is a positive integer, else the core count.
int DefaultThreadCount();

}  // namespace bw

// The module's runtime entry points: heap blocks for tensors, the argument
// frame and the last error, and the thread pool's worker side.
#include <cstdint>
#include <cstdlib>

#include "entry/args.h"
#include "entry/error.h"
#include "runtime/wasm-pool.h"

#define BW_EXPORT(name) extern "C" __attribute__((export_name(name)))

// A block for a tensor of `bytes` bytes (16-byte aligned), 0 when memory is exhausted.
BW_EXPORT("bw_alloc") void* BwAlloc(uint32_t bytes) { return std::aligned_alloc(16, (bytes + 15u) & ~15u); }

BW_EXPORT("bw_free") void BwFree(void* p) { std::free(p); }

BW_EXPORT("bw_frame") double* BwFrame() { return bw::Frame(); }

BW_EXPORT("bw_error_kind") int BwErrorKind() { return static_cast<int>(bw::LastErrorKind()); }

BW_EXPORT("bw_error_message") const char* BwErrorMessage() { return bw::LastErrorMessage(); }

BW_EXPORT("bw_clear_error") void BwClearError() { bw::ClearError(); }

BW_EXPORT("bw_set_threads") void BwSetThreads(int n) { bw::SetPoolThreads(n); }

BW_EXPORT("bw_threads") int BwThreads() { return bw::PoolThreads(); }

BW_EXPORT("bw_max_threads") int BwMaxThreads() { return bw::kMaxThreads; }

BW_EXPORT("bw_set_caller_can_block") void BwSetCallerCanBlock(int can_block) { bw::SetCallerCanBlock(can_block != 0); }

BW_EXPORT("bw_worker_loop") void BwWorkerLoop(int index) { bw::WorkerLoop(index); }

BW_EXPORT("bw_worker_trapped") void BwWorkerTrapped(int index) { bw::WorkerTrapped(index); }

BW_EXPORT("bw_recover") void BwRecover() { bw::RecoverFromCallerTrap(); }

// As a double: JavaScript reads an i64 result as a BigInt.
BW_EXPORT("bw_worker_tasks") double BwWorkerTasks() { return static_cast<double>(bw::WorkerTasks()); }

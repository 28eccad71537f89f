// The C heap, made safe for the workers of the threaded build, and the few
// C/C++ runtime hooks that Debian's wasm32 libc++ (built without threads or
// exceptions) leaves to the program.
//
// wasi-libc's dlmalloc has no locking in the build Debian ships (its threads
// variant did not exist yet), so every entry is wrapped (`wasm-ld --wrap`) and
// serialised by one spin lock. Callers are mostly the JavaScript side (a block
// per tensor) and scratch buffers growing once; tasks rarely allocate.
#include <atomic>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "entry/error.h"

extern "C" {
void* __real_malloc(size_t size);
void __real_free(void* p);
void* __real_calloc(size_t n, size_t size);
void* __real_realloc(void* p, size_t size);
int __real_posix_memalign(void** p, size_t alignment, size_t size);
void* __real_aligned_alloc(size_t alignment, size_t size);
}

namespace {

std::atomic<int> heap_lock{0};

class HeapGuard {
 public:
  HeapGuard() {
    while (heap_lock.exchange(1, std::memory_order_acquire) != 0) {
      while (heap_lock.load(std::memory_order_relaxed) != 0) {
      }
    }
  }
  ~HeapGuard() { heap_lock.store(0, std::memory_order_release); }
  HeapGuard(const HeapGuard&) = delete;
  HeapGuard& operator=(const HeapGuard&) = delete;
};

}  // namespace

extern "C" {

void* __wrap_malloc(size_t size) {
  HeapGuard g;
  return __real_malloc(size);
}

void __wrap_free(void* p) {
  HeapGuard g;
  __real_free(p);
}

void* __wrap_calloc(size_t n, size_t size) {
  HeapGuard g;
  return __real_calloc(n, size);
}

void* __wrap_realloc(void* p, size_t size) {
  HeapGuard g;
  return __real_realloc(p, size);
}

int __wrap_posix_memalign(void** p, size_t alignment, size_t size) {
  HeapGuard g;
  return __real_posix_memalign(p, alignment, size);
}

void* __wrap_aligned_alloc(size_t alignment, size_t size) {
  HeapGuard g;
  return __real_aligned_alloc(alignment, size);
}

// thread_local objects with destructors register them here; pool threads live
// as long as the module, so there is nothing to run at their exit.
int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }

}  // extern "C"

// operator new without exceptions: an exhausted memory (4 GiB, or what the
// browser grants) fails the call with a message instead of libc++abi's
// terminate, which would also pull stdio into the module.
namespace {

void* AllocateOrTrap(size_t size, size_t alignment) {
  void* p = alignment <= alignof(std::max_align_t) ? std::malloc(size == 0 ? 1 : size)
                                                   : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) bw::FailAndTrap(bw::ErrorKind::kInternal, "", "out of WebAssembly memory (the memory reached its maximum size).");
  return p;
}

}  // namespace

void* operator new(size_t size) { return AllocateOrTrap(size, 0); }
void* operator new[](size_t size) { return AllocateOrTrap(size, 0); }
void* operator new(size_t size, std::align_val_t a) { return AllocateOrTrap(size, static_cast<size_t>(a)); }
void* operator new[](size_t size, std::align_val_t a) { return AllocateOrTrap(size, static_cast<size_t>(a)); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return std::malloc(size == 0 ? 1 : size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return std::malloc(size == 0 ? 1 : size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

// libc++'s assertion and failure path (out of memory without exceptions, a
// hardening check): the message becomes the error the JavaScript side reports.
_LIBCPP_BEGIN_NAMESPACE_STD
[[noreturn]] void __libcpp_verbose_abort(const char* format, ...) {
  char text[256];
  va_list args;
  va_start(args, format);
  vsnprintf(text, sizeof text, format, args);
  va_end(args);
  bw::FailAndTrap(bw::ErrorKind::kInternal, "", text);
}
_LIBCPP_END_NAMESPACE_STD

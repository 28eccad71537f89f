// memcpy, memmove and memset for the kernels' short copies. The kernels copy
// runs of a few floats per pixel or per packed row (a microkernel row is 8
// floats here); wasi-libc's versions are calls into a byte/word loop, which
// cost most of the convolution filter gradient on few channels. These copy
// 16 bytes per v128 move and hand long runs to memory.copy / memory.fill.
// no_builtin keeps clang from turning the loops back into calls to themselves.
#include <wasm_simd128.h>

#include <cstddef>
#include <cstdint>

namespace {

constexpr size_t kBulk = 512;

__attribute__((no_builtin)) inline void CopyForward(unsigned char* d, const unsigned char* s, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(d + i, wasm_v128_load(s + i));
  for (; i < n; ++i) d[i] = s[i];
}

}  // namespace

extern "C" {

__attribute__((no_builtin)) void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (n >= kBulk) {
    __builtin_memcpy(d, s, n);  // memory.copy: bulk memory lowers it inline
    return dst;
  }
  CopyForward(d, s, n);
  return dst;
}

__attribute__((no_builtin)) void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (n >= kBulk) {
    __builtin_memmove(d, s, n);  // memory.copy, which handles overlap
    return dst;
  }
  if (d <= s || d >= s + n) {
    CopyForward(d, s, n);
  } else {
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dst;
}

__attribute__((no_builtin)) void* memset(void* dst, int value, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  if (n >= kBulk) {
    __builtin_memset(d, value, n);  // memory.fill
    return dst;
  }
  const v128_t v = wasm_i8x16_splat(static_cast<int8_t>(value));
  size_t i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(d + i, v);
  for (; i < n; ++i) d[i] = static_cast<unsigned char>(value);
  return dst;
}

}  // extern "C"

// Short copies of a packed row or a patch run, whose length is a microkernel
// tile size. A constant-size memcpy becomes a few vector moves inline; a
// variable one is a library call per row, which dominated the filter-gradient
// packing on few channels in the WebAssembly build (wasi-libc's memcpy loops).
#pragma once

#include <cstdint>
#include <cstring>

namespace bw {

inline void CopyFloats(float* dst, const float* src, int64_t n) {
  switch (n) {
    case 4: std::memcpy(dst, src, 4 * sizeof(float)); return;
    case 6: std::memcpy(dst, src, 6 * sizeof(float)); return;
    case 8: std::memcpy(dst, src, 8 * sizeof(float)); return;
    case 12: std::memcpy(dst, src, 12 * sizeof(float)); return;
    case 16: std::memcpy(dst, src, 16 * sizeof(float)); return;
    case 32: std::memcpy(dst, src, 32 * sizeof(float)); return;
    default: std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float)); return;
  }
}

inline void ZeroFloats(float* dst, int64_t n) {
  switch (n) {
    case 4: std::memset(dst, 0, 4 * sizeof(float)); return;
    case 6: std::memset(dst, 0, 6 * sizeof(float)); return;
    case 8: std::memset(dst, 0, 8 * sizeof(float)); return;
    case 12: std::memset(dst, 0, 12 * sizeof(float)); return;
    default: std::memset(dst, 0, static_cast<size_t>(n) * sizeof(float)); return;
  }
}

}  // namespace bw

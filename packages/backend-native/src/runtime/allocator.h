// Tunes the C allocator so that fresh output tensors reuse freed memory.
#pragma once

#include <string>

namespace bw {

// Applies the tuning once per process (later calls return the same text) and
// says what was done, in one line, for BackendInfo and `batchwise backends`.
const std::string& TuneAllocator();

}  // namespace bw

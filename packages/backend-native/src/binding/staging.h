// Memory an async call owns while its kernel runs on a libuv worker.
//
// Why copies: N-API can keep an ArrayBuffer object alive (a reference) but
// not its memory. JavaScript can move the memory out from under any
// reference: `structuredClone(x, { transfer: [x.buffer] })` detaches the
// buffer we hold and hands its memory to a new one, which the garbage
// collector frees as soon as it is dropped; `ab.resize(0)` on a resizable
// buffer decommits the pages in place. No N-API call prevents either, and
// refusing every detachable buffer would refuse every ordinary one. So an
// async call copies its inputs when it is made (on the JS thread, before it
// returns) and its kernel writes outputs into memory of its own, copied into
// the caller's arrays on the JS thread when the kernel is done, after checking
// that each array still has the length it was checked with.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bw {

class AsyncStaging {
 public:
  // A copy of n floats at src, owned until the call settles.
  float* CopyIn(const float* src, int64_t n);
  // n uninitialised floats for the kernel to fill, copied into argument
  // `arg` (a Float32Array named `name`) by CopyBack.
  float* Reserve(size_t arg, const char* name, int64_t n);

  // Argument indices of the outputs, for the references that keep them alive.
  std::vector<size_t> OutputArgs() const;

  // On the JS thread, once the kernel is done: every output must still be a
  // Float32Array with the length it had; then all are copied (or none, and the
  // returned message says which one changed). Empty on success.
  std::string CopyBack(const char* fn, const std::vector<Napi::ObjectReference>& outputs) const;

 private:
  struct Output {
    size_t arg;
    const char* name;
    int64_t length;
    std::unique_ptr<float[]> data;
  };
  std::vector<std::unique_ptr<float[]>> inputs_;
  std::vector<Output> outputs_;
};

}  // namespace bw

#include "binding/staging.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace bw {
namespace {

std::unique_ptr<float[]> Uninitialised(int64_t n) {
  // new float[] leaves the values unset: the kernel or the copy writes every one.
  return std::unique_ptr<float[]>(new float[static_cast<size_t>(n > 0 ? n : 1)]);
}

// BATCHWISE_POISON_OUTPUTS=1 (the tests' switch, see src/backend/output.ts) fills
// outputs with NaN first, so an element a kernel leaves unwritten shows.
bool PoisonOutputs() {
  static const bool poison = [] {
    const char* v = std::getenv("BATCHWISE_POISON_OUTPUTS");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return poison;
}

}  // namespace

float* AsyncStaging::CopyIn(const float* src, int64_t n) {
  inputs_.push_back(Uninitialised(n));
  float* dst = inputs_.back().get();
  if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  return dst;
}

float* AsyncStaging::Reserve(size_t arg, const char* name, int64_t n) {
  outputs_.push_back({arg, name, n, Uninitialised(n)});
  float* data = outputs_.back().data.get();
  if (PoisonOutputs()) std::fill(data, data + n, std::numeric_limits<float>::quiet_NaN());
  return data;
}

std::vector<size_t> AsyncStaging::OutputArgs() const {
  std::vector<size_t> args;
  for (const Output& o : outputs_) args.push_back(o.arg);
  return args;
}

std::string AsyncStaging::CopyBack(const char* fn, const std::vector<Napi::ObjectReference>& outputs) const {
  std::vector<float*> targets;
  for (size_t k = 0; k < outputs_.size(); ++k) {
    const Output& o = outputs_[k];
    const Napi::Value v = outputs[k].Value();
    int64_t now = -1;
    if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array) {
      now = static_cast<int64_t>(v.As<Napi::Float32Array>().ElementLength());
    }
    if (now != o.length) {
      return std::string(fn) + ": " + o.name + " must keep its " + std::to_string(o.length) +
             " elements until the promise settles, received " + (now < 0 ? "another value" : std::to_string(now)) +
             " (detached or resized while the kernel ran).";
    }
    targets.push_back(o.length > 0 ? v.As<Napi::Float32Array>().Data() : nullptr);
  }
  for (size_t k = 0; k < outputs_.size(); ++k) {
    if (outputs_[k].length > 0) std::memcpy(targets[k], outputs_[k].data.get(), outputs_[k].length * sizeof(float));
  }
  return "";
}

}  // namespace bw

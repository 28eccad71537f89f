// N-API module: runtime queries plus the kernel entries registered by src/binding/*.
#include <napi.h>

#include "binding/entry.h"
#include "kernels/gemm.h"
#include "runtime/allocator.h"
#include "runtime/cpu-features.h"
#include "runtime/thread-pool.h"

namespace bw {
namespace {

void SetNumThreads(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 1);
  const int64_t n = args.Integer(0, "n", 1, 1024);
  ThreadPool::Instance().SetThreads(static_cast<int>(n));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  Export(env, exports, "setNumThreads", SetNumThreads);
  exports.Set("getNumThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), ThreadPool::Instance().threads());
              }));
  exports.Set("getIsa", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::String::New(info.Env(), IsaName(ActiveIsa()));
              }));
  exports.Set("getIsaError", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::String::New(info.Env(), IsaSelectionError());
              }));
  exports.Set("getAllocator", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::String::New(info.Env(), TuneAllocator());
              }));
  exports.Set("getGemmKernel", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::String::New(info.Env(), ActiveGemmKernel().name);
              }));
  exports.Set("getCpuFeatures", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                const CpuFeatures f = DetectCpu();
                Napi::Object o = Napi::Object::New(info.Env());
                o.Set("avx2", f.avx2_fma);
                o.Set("avx512", f.avx512);
                return o;
              }));
  RegisterLinear(env, exports);
  RegisterConv(env, exports);
  RegisterNormPool(env, exports);
  RegisterElementwise(env, exports);
  RegisterReduce(env, exports);
  RegisterTraining(env, exports);
  return exports;
}

}  // namespace
}  // namespace bw

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return bw::Init(env, exports); }

NODE_API_MODULE(batchwise_native, InitModule)

// N-API module: runtime queries plus the kernel entries registered by src/binding/*.
#include <napi.h>

#include "binding/entry.h"
#include "runtime/allocator.h"
#include "runtime/cpu-features.h"
#include "runtime/kernel-table.h"
#include "runtime/thread-pool.h"

namespace bw {
namespace {

void SetNumThreads(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 1);
  const int64_t n = args.Integer(0, "n", 1, 1024);
  ThreadPool::Instance().SetThreads(static_cast<int>(n));
}

// A query taking no arguments: any argument is refused, as for every entry.
void ExportString(Napi::Env env, Napi::Object exports, const char* name, std::string (*value)()) {
  ExportQuery(env, exports, name, [value](const Napi::CallbackInfo& info, const char* fn) -> Napi::Value {
    Args(info, fn, 0);
    return Napi::String::New(info.Env(), value());
  });
}

// Which variant of each kernel family runs (runtime/kernel-table.h).
Napi::Value KernelTableInfo(const Napi::CallbackInfo& info, const char* fn) {
  Args(info, fn, 0);
  const KernelTable& t = Kernels();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", t.isa);
  o.Set("gemm", t.gemm.name);
  o.Set("convMicro", t.conv.name);
  o.Set("vecMath", t.vec_math.name);
  o.Set("batchNormRows", t.batch_norm_rows.name);
  o.Set("batchNormReluRows", t.bn_relu_rows.name);
  o.Set("maxPoolRows", t.max_pool_rows.name);
  o.Set("optimizerRows", t.optimizer_rows.name);
  return o;
}

Napi::Value CpuFeaturesInfo(const Napi::CallbackInfo& info, const char* fn) {
  Args(info, fn, 0);
  const CpuFeatures f = DetectCpu();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("avx2", f.avx2_fma);
  o.Set("avx512", f.avx512);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  Kernels();  // the dispatch table is built here, at load, once
  Export(env, exports, "setNumThreads", SetNumThreads);
  ExportQuery(env, exports, "getNumThreads", [](const Napi::CallbackInfo& info, const char* fn) -> Napi::Value {
    Args(info, fn, 0);
    return Napi::Number::New(info.Env(), ThreadPool::Instance().threads());
  });
  ExportString(env, exports, "getIsa", [] { return std::string(Kernels().isa); });
  ExportString(env, exports, "getIsaError", [] { return IsaSelectionError(); });
  ExportString(env, exports, "getAllocator", [] { return std::string(TuneAllocator()); });
  ExportString(env, exports, "getGemmKernel", [] { return std::string(Kernels().gemm.name); });
  ExportQuery(env, exports, "getKernelTable", KernelTableInfo);
  ExportQuery(env, exports, "getCpuFeatures", CpuFeaturesInfo);
  RegisterLinear(env, exports);
  RegisterConv(env, exports);
  RegisterNormPool(env, exports);
  RegisterElementwise(env, exports);
  RegisterReduce(env, exports);
  RegisterTraining(env, exports);
  RegisterTensorOps(env, exports);
  RegisterFused(env, exports);
  return exports;
}

}  // namespace
}  // namespace bw

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return bw::Init(env, exports); }

NODE_API_MODULE(batchwise_native, InitModule)

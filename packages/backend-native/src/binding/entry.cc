// Export (the exception boundary), the async variants and the shared window check.
#include <napi.h>

#include <new>
#include <string>
#include <vector>

#include "binding/entry.h"
#include "binding/js-error.h"

namespace bw {

void ExportQuery(Napi::Env env, Napi::Object exports, const char* name, QueryFn fn) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [name, fn](const Napi::CallbackInfo& info) -> Napi::Value {
                          return GuardJs(info.Env(), name, [&] { return fn(info, name); });
                        },
                        name));
}

void Export(Napi::Env env, Napi::Object exports, const char* name, EntryFn fn) {
  ExportQuery(env, exports, name, [fn](const Napi::CallbackInfo& info, const char* fn_name) {
    fn(info, fn_name);
    return info.Env().Undefined();
  });
}

namespace {

class KernelWorker final : public Napi::AsyncWorker {
 public:
  KernelWorker(Napi::Env env, const char* name, Work work, AsyncStaging staging, const Napi::CallbackInfo& info)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        staging_(std::move(staging)),
        name_(name) {
    // The outputs' objects stay alive for the copy back; their memory may
    // still be taken away meanwhile, which CopyBack detects.
    for (size_t arg : staging_.OutputArgs()) outputs_.push_back(Napi::Persistent(info[arg].As<Napi::Object>()));
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (...) {
      error_ = CaughtNow(name_.c_str());
      SetError(error_.message);
    }
  }
  void OnOK() override {
    const std::string problem = staging_.CopyBack(name_.c_str(), outputs_);
    if (problem.empty()) {
      deferred_.Resolve(Env().Undefined());
    } else {
      deferred_.Reject(ToJsError(Env(), {CaughtError::Kind::kType, problem}).Value());
    }
  }
  void OnError(const Napi::Error&) override { deferred_.Reject(ToJsError(Env(), error_).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Work work_;
  AsyncStaging staging_;
  std::string name_;
  CaughtError error_;
  std::vector<Napi::ObjectReference> outputs_;
};

}  // namespace

void ExportSyncAndAsync(Napi::Env env, Napi::Object exports, const char* name, PrepareFn prepare) {
  Export(env, exports, name, [prepare](const Napi::CallbackInfo& info, const char* fn) { prepare(info, fn, nullptr)(); });
  // The async entry's name lives as long as the module: one leaked string per entry.
  const char* async_name = (new std::string(std::string(name) + "Async"))->c_str();
  exports.Set(async_name, Napi::Function::New(
                              env,
                              [name, prepare](const Napi::CallbackInfo& info) -> Napi::Value {
                                return GuardJs(info.Env(), name, [&]() -> Napi::Value {
                                  AsyncStaging staging;
                                  Work work = prepare(info, name, &staging);
                                  auto* worker = new KernelWorker(info.Env(), name, std::move(work), std::move(staging), info);
                                  Napi::Promise promise = worker->Promise();
                                  worker->Queue();
                                  return promise;
                                });
                              },
                              async_name));
}

ConvGeom CheckWindow(const Args& args, const Dims& input, int64_t k_h, int64_t k_w, int64_t out_c, size_t strides_index,
                     size_t padding_index, size_t dilations_index, size_t geometry_index) {
  const auto strides = args.PositivePair(strides_index, "strides");
  const bool same = args.OneOf(padding_index, "padding", {"same", "valid"}) == "same";
  const auto dil = dilations_index == static_cast<size_t>(-1) ? std::pair<int64_t, int64_t>{1, 1}
                                                               : args.PositivePair(dilations_index, "dilations");
  int64_t passed[17];
  const size_t passed_n = args.ShapeInto(geometry_index, "geometry", 17, 17, 0, passed);
  check::WindowRequest r{{input.data(), input.size()}, k_h, k_w, out_c, strides.first, strides.second, dil.first, dil.second,
                         same, {passed, passed_n}};
  ConvGeom g{};
  check::Failure f;
  if (!check::Window(r, &g, &f)) args.Fail(f);
  return g;
}

}  // namespace bw

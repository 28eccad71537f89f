// Registration of the addon's entry points, each behind one exception boundary.
#pragma once

#include <napi.h>

#include <functional>

#include "binding/args.h"
#include "kernels/conv2d.h"

namespace bw {

// fn(info, name) checks its arguments and runs a kernel writing into
// preallocated outputs. Every C++ exception becomes a JS error naming the
// function (js-error.h).
using EntryFn = std::function<void(const Napi::CallbackInfo&, const char*)>;
void Export(Napi::Env env, Napi::Object exports, const char* name, EntryFn fn);

// The same boundary for a function that returns a value (the runtime queries).
using QueryFn = std::function<Napi::Value(const Napi::CallbackInfo&, const char*)>;
void ExportQuery(Napi::Env env, Napi::Object exports, const char* name, QueryFn fn);

// A checked call, ready to run: touches no JS value, only the raw memory the
// checks validated, so it can run on a worker thread.
using Work = std::function<void()>;
using PrepareFn = Work (*)(const Napi::CallbackInfo&, const char*);

// Exports `name` (runs at once) and `<name>Async`: the same checks on the
// calling thread, then the kernel on a libuv worker (Napi::AsyncWorker), with
// a Promise that settles when it is done. Every object argument is held by a
// reference until then; callers must not mutate or transfer the arrays meanwhile.
void ExportSyncAndAsync(Napi::Env env, Napi::Object exports, const char* name, PrepareFn prepare);

// Checks shapes and options of a conv/pool call, recomputes the geometry as
// core's conv2dGeometry does and requires the one passed at geometry_index to match.
ConvGeom CheckWindow(const Args& args, const Dims& input, int64_t k_h, int64_t k_w, int64_t out_c, size_t strides_index,
                     size_t padding_index, size_t dilations_index, size_t geometry_index);

void RegisterLinear(Napi::Env env, Napi::Object exports);
void RegisterConv(Napi::Env env, Napi::Object exports);
void RegisterNormPool(Napi::Env env, Napi::Object exports);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterReduce(Napi::Env env, Napi::Object exports);
void RegisterTraining(Napi::Env env, Napi::Object exports);

}  // namespace bw

// Registration of the addon's entry points, each behind one exception boundary.
#pragma once

#include <napi.h>

#include <functional>

#include "binding/args.h"
#include "binding/staging.h"
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
// Checks a call (Args(info, fn, count, staging)) and returns its Work. Inputs
// are taken with Args::Float32, written arrays with Args::Output: for an async
// call (staging not null) those give memory the call owns (staging.h).
using PrepareFn = Work (*)(const Napi::CallbackInfo&, const char*, AsyncStaging*);

// Exports `name` (runs at once) and `<name>Async`: the same checks on the
// calling thread, then the kernel on a libuv worker (Napi::AsyncWorker), with
// a Promise that settles when it is done. The async call reads copies of its
// inputs made when it is called, so nothing the caller does to them afterwards
// (mutate, transfer, resize, let go) reaches the worker; its outputs are
// filled when the kernel is done, and the promise rejects, writing none, if
// one of them was detached or resized meanwhile.
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
void RegisterTensorOps(Napi::Env env, Napi::Object exports);
void RegisterFused(Napi::Env env, Napi::Object exports);

}  // namespace bw

// sum, mean, max over axes; argMax; softmaxCrossEntropy.
#include <napi.h>

#include "binding/entry.h"
#include "kernels/reduce.h"
#include "kernels/softmax.h"

namespace bw {
namespace {

void RunReduce(const Napi::CallbackInfo& info, const char* fn, ReduceKind kind) {
  Args args(info, fn, 4);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 0, 16, 0);
  const Dims axes = args.Shape(2, "axes", 0, dims.size(), 0);
  const F32 out = args.Float32(3, "out");
  RequireCount(args, x, dims, "xShape");
  if (x.length == 0) args.Fail(true, "x must not be empty, received shape " + FormatDims(dims) + ".");
  std::vector<bool> reduced(dims.size(), false);
  for (int64_t a : axes) {
    if (a >= static_cast<int64_t>(dims.size()) || reduced[a]) {
      args.Fail(true, "axes must be distinct integers in [0, " + std::to_string(static_cast<int64_t>(dims.size()) - 1) +
                          "], received " + FormatDims(axes) + ".");
    }
    reduced[a] = true;
  }
  int64_t kept = 1;
  for (size_t k = 0; k < dims.size(); ++k) kept *= reduced[k] ? 1 : dims[k];
  RequireLength(args, out, kept);
  RequireDisjoint(args, out, x);
  Reduce(kind, dims.ToVector(), reduced, x.data, out.data);
}

void ArgMaxEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 3);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 1, 16, 1);
  const F32 out = args.Float32(2, "out");
  RequireCount(args, x, dims, "xShape");
  RequireLength(args, out, x.length / dims.back());
  RequireDisjoint(args, out, x);
  ArgMaxLast(x.length / dims.back(), dims.back(), x.data, out.data);
}

void CrossEntropy(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 5);
  const F32 logits = args.Float32(0, "logits"), labels = args.Float32(1, "labels");
  const Dims dims = args.Shape(2, "shape", 1, 16, 0);
  const F32 loss = args.Float32(3, "loss"), dlogits = args.Float32(4, "dlogits");
  RequireCount(args, logits, dims, "shape");
  RequireSameLength(args, logits, labels);
  RequireSameLength(args, logits, dlogits);
  const int64_t cols = dims.back(), rows = cols == 0 ? 0 : logits.length / cols;
  int64_t want_rows = 1;
  for (size_t k = 0; k + 1 < dims.size(); ++k) want_rows *= dims[k];
  RequireLength(args, loss, want_rows);
  if (cols == 0 && want_rows > 0) args.Fail(true, "shape must have a non-empty last axis, received " + FormatDims(dims) + ".");
  for (const F32* in : {&logits, &labels}) {
    RequireDisjoint(args, loss, *in);
    RequireDisjoint(args, dlogits, *in);
  }
  RequireDisjoint(args, loss, dlogits);
  SoftmaxCrossEntropy(rows, cols, logits.data, labels.data, loss.data, dlogits.data);
}

}  // namespace

void RegisterReduce(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "sum", [](const Napi::CallbackInfo& info, const char* fn) { RunReduce(info, fn, ReduceKind::kSum); });
  Export(env, exports, "mean", [](const Napi::CallbackInfo& info, const char* fn) { RunReduce(info, fn, ReduceKind::kMean); });
  Export(env, exports, "max", [](const Napi::CallbackInfo& info, const char* fn) { RunReduce(info, fn, ReduceKind::kMax); });
  Export(env, exports, "argMax", ArgMaxEntry);
  Export(env, exports, "softmaxCrossEntropy", CrossEntropy);
}

}  // namespace bw

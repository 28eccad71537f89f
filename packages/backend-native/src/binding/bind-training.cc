// In-place optimizer updates: the only entries that write into their inputs.
#include <napi.h>

#include <limits>

#include "binding/entry.h"
#include "kernels/training.h"

namespace bw {
namespace {

constexpr double kMaxDouble = std::numeric_limits<double>::max();

// param and every state array are written (grad is read while they are), so no two may overlap.
void RequirePairwiseDisjoint(const Args& args, const std::vector<F32>& arrays) {
  for (size_t i = 0; i < arrays.size(); ++i) {
    for (size_t j = i + 1; j < arrays.size(); ++j) RequireDisjoint(args, arrays[i], arrays[j]);
  }
}

void Sgd(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 6);
  const F32 w = args.Float32(0, "param"), g = args.Float32(1, "grad"), v = args.OptionalFloat32(2, "velocity");
  const double lr = args.NumberIn(3, "learningRate", 0.0, kMaxDouble, false, false);
  const double momentum = args.NumberIn(4, "momentum", 0.0, 1.0, false, false);
  const bool nesterov = args.Boolean(5, "nesterov");
  RequireSameLength(args, w, g);
  if (!info[2].IsNull()) RequireSameLength(args, w, v);
  if (info[2].IsNull() && momentum > 0.0) args.Fail(false, "velocity must be a Float32Array when momentum > 0, received null.");
  std::vector<F32> arrays = {w, g};
  if (!info[2].IsNull()) arrays.push_back(v);
  RequirePairwiseDisjoint(args, arrays);
  SgdUpdate(w.length, w.data, g.data, info[2].IsNull() ? nullptr : v.data, lr, momentum, nesterov);
}

void Adam(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 9);
  const F32 w = args.Float32(0, "param"), g = args.Float32(1, "grad"), m = args.Float32(2, "m"), v = args.Float32(3, "v");
  const double lr = args.NumberIn(4, "learningRate", 0.0, kMaxDouble, false, false);
  const double b1 = args.NumberIn(5, "beta1", 0.0, 1.0, false, true);
  const double b2 = args.NumberIn(6, "beta2", 0.0, 1.0, false, true);
  const double eps = args.NumberIn(7, "epsilon", 0.0, kMaxDouble, true, false);
  const int64_t step = args.Integer(8, "step", 1, int64_t{1} << 53);
  for (const F32* p : {&g, &m, &v}) RequireSameLength(args, w, *p);
  RequirePairwiseDisjoint(args, {w, g, m, v});
  AdamUpdate(w.length, w.data, g.data, m.data, v.data, lr, b1, b2, eps, step);
}

}  // namespace

void RegisterTraining(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "sgdUpdate", Sgd);
  Export(env, exports, "adamUpdate", Adam);
}

}  // namespace bw

// Activations, arithmetic, bias, dropout and softmax entries.
#include <napi.h>

#include <limits>

#include "binding/entry.h"
#include "kernels/elementwise.h"
#include "kernels/softmax.h"

namespace bw {
namespace {

void RunUnary(const Napi::CallbackInfo& info, const char* fn, UnaryKind kind) {
  Args args(info, fn, 2);
  const F32 x = args.Float32(0, "x"), y = args.Float32(1, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Unary(kind, x.length, x.data, y.data);
}

void RunGrad(const Napi::CallbackInfo& info, const char* fn, GradKind kind) {
  Args args(info, fn, 3);
  const F32 dy = args.Float32(0, "dy"), y = args.Float32(1, "y"), dx = args.Float32(2, "dx");
  RequireSameLength(args, dy, y);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, y);
  ActivationBackward(kind, dy.length, dy.data, y.data, dx.data);
}

void RunBinary(const Napi::CallbackInfo& info, const char* fn, BinaryKind kind) {
  Args args(info, fn, 3);
  const F32 a = args.Float32(0, "a"), b = args.Float32(1, "b"), out = args.Float32(2, "out");
  RequireSameLength(args, a, b);
  RequireSameLength(args, a, out);
  RequireDisjoint(args, out, a);
  RequireDisjoint(args, out, b);
  Binary(kind, a.length, a.data, b.data, out.data);
}

void RunScalar(const Napi::CallbackInfo& info, const char* fn, bool multiply) {
  Args args(info, fn, 3);
  const F32 x = args.Float32(0, "x");
  const double s = args.Number(1, "scalar");
  const F32 y = args.Float32(2, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  (multiply ? MulScalar : AddScalar)(x.length, x.data, static_cast<float>(s), y.data);
}

void ClipEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 4);
  const F32 x = args.Float32(0, "x");
  const double lo = args.Number(1, "min"), hi = args.Number(2, "max");
  const F32 y = args.Float32(3, "y");
  if (lo > hi) args.Fail(true, "min must be <= max, received min " + std::to_string(lo) + " and max " + std::to_string(hi) + ".");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Clip(x.length, x.data, static_cast<float>(lo), static_cast<float>(hi), y.data);
}

// [rows, channels] view of a tensor whose last axis is `channels` (rank >= 1).
std::pair<int64_t, int64_t> LastAxis(const Args& args, const F32& x, size_t shape_index, const char* name) {
  const Dims dims = args.Shape(shape_index, name, 1, 16, 0);
  RequireCount(args, x, dims, name);
  const int64_t c = dims.back();
  return {c == 0 ? 0 : x.length / c, c};
}

void BiasAddEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 4);
  const F32 x = args.Float32(0, "x");
  const auto [rows, c] = LastAxis(args, x, 1, "xShape");
  const F32 bias = args.Float32(2, "bias"), y = args.Float32(3, "y");
  RequireLength(args, bias, c);
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, y, bias);
  BiasAdd(rows, c, x.data, bias.data, y.data);
}

void BiasGradEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 3);
  const F32 dy = args.Float32(0, "dy");
  const auto [rows, c] = LastAxis(args, dy, 1, "dyShape");
  const F32 out = args.Float32(2, "out");
  RequireLength(args, out, c);
  RequireDisjoint(args, out, dy);
  BiasGrad(rows, c, dy.data, out.data);
}

void DropoutEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 5);
  const F32 x = args.Float32(0, "x");
  const double rate = args.NumberIn(1, "rate", 0.0, 1.0, false, true);
  const int64_t seed = args.Integer(2, "seed", -(int64_t{1} << 53), int64_t{1} << 53);
  const F32 y = args.Float32(3, "y"), mask = args.Float32(4, "mask");
  RequireSameLength(args, x, y);
  RequireSameLength(args, x, mask);
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, mask, x);
  RequireDisjoint(args, y, mask);
  Dropout(x.length, x.data, rate, seed, y.data, mask.data);
}

void DropoutBackwardEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 3);
  const F32 dy = args.Float32(0, "dy"), mask = args.Float32(1, "mask"), dx = args.Float32(2, "dx");
  RequireSameLength(args, dy, mask);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, mask);
  Binary(BinaryKind::kMul, dy.length, dy.data, mask.data, dx.data);  // dx = dy * mask
}

void SoftmaxEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 3);
  const F32 x = args.Float32(0, "x");
  const auto [rows, c] = LastAxis(args, x, 1, "xShape");
  const F32 y = args.Float32(2, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Softmax(rows, c, x.data, y.data);
}

void SoftmaxBackwardEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 4);
  const F32 dy = args.Float32(0, "dy"), y = args.Float32(1, "y");
  const auto [rows, c] = LastAxis(args, dy, 2, "shape");
  const F32 dx = args.Float32(3, "dx");
  RequireSameLength(args, dy, y);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, y);
  SoftmaxBackward(rows, c, dy.data, y.data, dx.data);
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  const std::pair<const char*, UnaryKind> unary[] = {
      {"relu", UnaryKind::kRelu}, {"sigmoid", UnaryKind::kSigmoid}, {"tanh", UnaryKind::kTanh},
      {"neg", UnaryKind::kNeg},   {"abs", UnaryKind::kAbs},         {"exp", UnaryKind::kExp},
      {"log", UnaryKind::kLog},   {"sqrt", UnaryKind::kSqrt},       {"square", UnaryKind::kSquare}};
  for (const auto& [name, kind] : unary) {
    Export(env, exports, name, [kind = kind](const Napi::CallbackInfo& info, const char* fn) { RunUnary(info, fn, kind); });
  }
  const std::pair<const char*, GradKind> grads[] = {
      {"reluBackward", GradKind::kRelu}, {"sigmoidBackward", GradKind::kSigmoid}, {"tanhBackward", GradKind::kTanh}};
  for (const auto& [name, kind] : grads) {
    Export(env, exports, name, [kind = kind](const Napi::CallbackInfo& info, const char* fn) { RunGrad(info, fn, kind); });
  }
  const std::pair<const char*, BinaryKind> binary[] = {
      {"add", BinaryKind::kAdd}, {"sub", BinaryKind::kSub},         {"mul", BinaryKind::kMul},
      {"div", BinaryKind::kDiv}, {"maximum", BinaryKind::kMaximum}, {"minimum", BinaryKind::kMinimum}};
  for (const auto& [name, kind] : binary) {
    Export(env, exports, name, [kind = kind](const Napi::CallbackInfo& info, const char* fn) { RunBinary(info, fn, kind); });
  }
  Export(env, exports, "addScalar", [](const Napi::CallbackInfo& info, const char* fn) { RunScalar(info, fn, false); });
  Export(env, exports, "mulScalar", [](const Napi::CallbackInfo& info, const char* fn) { RunScalar(info, fn, true); });
  Export(env, exports, "clip", ClipEntry);
  Export(env, exports, "biasAdd", BiasAddEntry);
  Export(env, exports, "biasGrad", BiasGradEntry);
  Export(env, exports, "dropout", DropoutEntry);
  Export(env, exports, "dropoutBackward", DropoutBackwardEntry);
  Export(env, exports, "softmax", SoftmaxEntry);
  Export(env, exports, "softmaxBackward", SoftmaxBackwardEntry);
}

}  // namespace bw

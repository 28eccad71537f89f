// Activations, arithmetic, bias, dropout and softmax entries.
#include "entry/args.h"
#include "entry/export.h"
#include "kernels/elementwise.h"
#include "kernels/softmax.h"

namespace bw {
namespace {

void RunUnary(const char* fn, UnaryKind kind) {
  Args args(fn, 2);
  const F32 x = args.Float32(0, "x"), y = args.Float32(1, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Unary(kind, x.length, x.data, y.data);
}

void RunGrad(const char* fn, GradKind kind) {
  Args args(fn, 3);
  const F32 dy = args.Float32(0, "dy"), y = args.Float32(1, "y"), dx = args.Float32(2, "dx");
  RequireSameLength(args, dy, y);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, y);
  ActivationBackward(kind, dy.length, dy.data, y.data, dx.data);
}

void RunBinary(const char* fn, BinaryKind kind) {
  Args args(fn, 3);
  const F32 a = args.Float32(0, "a"), b = args.Float32(1, "b"), out = args.Float32(2, "out");
  RequireSameLength(args, a, b);
  RequireSameLength(args, a, out);
  RequireDisjoint(args, out, a);
  RequireDisjoint(args, out, b);
  Binary(kind, a.length, a.data, b.data, out.data);
}

void RunScalar(const char* fn, bool multiply) {
  Args args(fn, 3);
  const F32 x = args.Float32(0, "x");
  const double s = args.Number(1, "scalar");
  const F32 y = args.Float32(2, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  (multiply ? MulScalar : AddScalar)(x.length, x.data, static_cast<float>(s), y.data);
}

// Rows of a tensor whose last axis has `channels` entries (rank >= 1).
int64_t RowsOf(const Args& args, const F32& x, const Dims& dims, const char* name) {
  RequireCount(args, x, dims, name);
  return dims.back() == 0 ? 0 : x.length / dims.back();
}

}  // namespace
}  // namespace bw

using namespace bw;

BW_ENTRY(relu) { RunUnary(fn, UnaryKind::kRelu); }
BW_ENTRY(sigmoid) { RunUnary(fn, UnaryKind::kSigmoid); }
BW_ENTRY(tanh) { RunUnary(fn, UnaryKind::kTanh); }
BW_ENTRY(neg) { RunUnary(fn, UnaryKind::kNeg); }
BW_ENTRY(abs) { RunUnary(fn, UnaryKind::kAbs); }
BW_ENTRY(exp) { RunUnary(fn, UnaryKind::kExp); }
BW_ENTRY(log) { RunUnary(fn, UnaryKind::kLog); }
BW_ENTRY(sqrt) { RunUnary(fn, UnaryKind::kSqrt); }
BW_ENTRY(square) { RunUnary(fn, UnaryKind::kSquare); }
BW_ENTRY(reluBackward) { RunGrad(fn, GradKind::kRelu); }
BW_ENTRY(sigmoidBackward) { RunGrad(fn, GradKind::kSigmoid); }
BW_ENTRY(tanhBackward) { RunGrad(fn, GradKind::kTanh); }
BW_ENTRY(add) { RunBinary(fn, BinaryKind::kAdd); }
BW_ENTRY(sub) { RunBinary(fn, BinaryKind::kSub); }
BW_ENTRY(mul) { RunBinary(fn, BinaryKind::kMul); }
BW_ENTRY(div) { RunBinary(fn, BinaryKind::kDiv); }
BW_ENTRY(maximum) { RunBinary(fn, BinaryKind::kMaximum); }
BW_ENTRY(minimum) { RunBinary(fn, BinaryKind::kMinimum); }
BW_ENTRY(addScalar) { RunScalar(fn, false); }
BW_ENTRY(mulScalar) { RunScalar(fn, true); }

BW_ENTRY(clip) {
  Args args(fn, 4);
  const F32 x = args.Float32(0, "x");
  const double lo = args.Number(1, "min"), hi = args.Number(2, "max");
  const F32 y = args.Float32(3, "y");
  if (lo > hi) args.Fail(true, Text() << "min must be <= max, received min " << lo << " and max " << hi << ".");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Clip(x.length, x.data, static_cast<float>(lo), static_cast<float>(hi), y.data);
}

BW_ENTRY(biasAdd) {
  Args args(fn, 4);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 1, 16, 0);
  const int64_t rows = RowsOf(args, x, xs, "xShape"), c = xs.back();
  const F32 bias = args.Float32(2, "bias"), y = args.Float32(3, "y");
  RequireLength(args, bias, c);
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, y, bias);
  BiasAdd(rows, c, x.data, bias.data, y.data);
}

BW_ENTRY(biasGrad) {
  Args args(fn, 3);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 1, 16, 0);
  const int64_t rows = RowsOf(args, dy, dys, "dyShape"), c = dys.back();
  const F32 out = args.Float32(2, "out");
  RequireLength(args, out, c);
  RequireDisjoint(args, out, dy);
  BiasGrad(rows, c, dy.data, out.data);
}

BW_ENTRY(dropout) {
  Args args(fn, 5);
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

BW_ENTRY(dropoutBackward) {
  Args args(fn, 3);
  const F32 dy = args.Float32(0, "dy"), mask = args.Float32(1, "mask"), dx = args.Float32(2, "dx");
  RequireSameLength(args, dy, mask);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, mask);
  Binary(BinaryKind::kMul, dy.length, dy.data, mask.data, dx.data);  // dx = dy * mask
}

BW_ENTRY(softmax) {
  Args args(fn, 3);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 1, 16, 0);
  const int64_t rows = RowsOf(args, x, xs, "xShape");
  const F32 y = args.Float32(2, "y");
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  Softmax(rows, xs.back(), x.data, y.data);
}

BW_ENTRY(softmaxBackward) {
  Args args(fn, 4);
  const F32 dy = args.Float32(0, "dy"), y = args.Float32(1, "y");
  const Dims s = args.Shape(2, "shape", 1, 16, 0);
  const int64_t rows = RowsOf(args, dy, s, "shape");
  const F32 dx = args.Float32(3, "dx");
  RequireSameLength(args, dy, y);
  RequireSameLength(args, dy, dx);
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, y);
  SoftmaxBackward(rows, s.back(), dy.data, y.data, dx.data);
}

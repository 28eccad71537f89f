// In-place optimizer updates: the only entries that write into their inputs.
#include <limits>

#include "entry/args.h"
#include "entry/export.h"
#include "kernels/training.h"

namespace bw {
namespace {

constexpr double kMaxDouble = std::numeric_limits<double>::max();

// param and every state array are written (grad is read while they are), so no two may overlap.
void RequirePairwiseDisjoint(const Args& args, std::initializer_list<F32> arrays) {
  for (auto a = arrays.begin(); a != arrays.end(); ++a) {
    for (auto b = a + 1; b != arrays.end(); ++b) RequireDisjoint(args, *a, *b);
  }
}

}  // namespace
}  // namespace bw

using namespace bw;

BW_ENTRY(sgdUpdate) {
  Args args(fn, 6);
  const F32 w = args.Float32(0, "param"), g = args.Float32(1, "grad"), v = args.OptionalFloat32(2, "velocity");
  const double lr = args.NumberIn(3, "learningRate", 0.0, kMaxDouble, false, false);
  const double momentum = args.NumberIn(4, "momentum", 0.0, 1.0, false, false);
  const bool nesterov = args.Boolean(5, "nesterov");
  const bool has_v = !args.IsNull(2);
  RequireSameLength(args, w, g);
  if (has_v) RequireSameLength(args, w, v);
  if (!has_v && momentum > 0.0) args.Fail(false, Text() << "velocity must be a Float32Array when momentum > 0, received null.");
  if (has_v) {
    RequirePairwiseDisjoint(args, {w, g, v});
  } else {
    RequirePairwiseDisjoint(args, {w, g});
  }
  SgdUpdate(w.length, w.data, g.data, has_v ? v.data : nullptr, lr, momentum, nesterov);
}

BW_ENTRY(adamUpdate) {
  Args args(fn, 9);
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

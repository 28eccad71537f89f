// Comparisons, broadcastBinary, gather, concat, oneHot, assign and axpby entries.
#include <cmath>

#include "entry/args.h"
#include "entry/export.h"
#include "kernels/axpby.h"
#include "kernels/broadcast.h"
#include "kernels/compare.h"
#include "kernels/data-movement.h"

namespace bw {
namespace {

// Byte ranges of two arrays of any element type must not overlap.
void RequireNoOverlap(const Args& args, const void* a, int64_t a_bytes, const void* b, int64_t b_bytes, const char* what) {
  if (a_bytes == 0 || b_bytes == 0) return;
  const auto a0 = reinterpret_cast<uintptr_t>(a), b0 = reinterpret_cast<uintptr_t>(b);
  if (a0 < b0 + static_cast<uintptr_t>(b_bytes) && b0 < a0 + static_cast<uintptr_t>(a_bytes)) args.Fail(false, Text() << what);
}

// The product of dims[from, to).
int64_t Span(const Dims& dims, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t k = from; k < to; ++k) p *= dims[k];
  return p;
}

void RunCompare(const char* fn, CompareKind kind) {
  Args args(fn, 3);
  const F32 a = args.Float32(0, "a"), b = args.Float32(1, "b"), out = args.Float32(2, "out");
  RequireSameLength(args, a, b);
  RequireSameLength(args, a, out);
  RequireDisjoint(args, out, a);
  RequireDisjoint(args, out, b);
  Compare(kind, a.length, a.data, b.data, out.data);
}

}  // namespace
}  // namespace bw

using namespace bw;

BW_ENTRY(equal) { RunCompare(fn, CompareKind::kEqual); }
BW_ENTRY(greater) { RunCompare(fn, CompareKind::kGreater); }

BW_ENTRY(broadcastBinary) {
  Args args(fn, 6);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 1, 16, 0);
  const F32 v = args.Float32(2, "v");
  const int op = args.OneOf(3, "op", {"add", "sub", "mul", "div"});
  const int64_t axis = args.Integer(4, "axis", 0, static_cast<int64_t>(dims.size()) - 1);
  const F32 y = args.Float32(5, "y");
  RequireCount(args, x, dims, "xShape");
  RequireLength(args, v, dims[axis]);
  RequireSameLength(args, x, y);
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, y, v);
  const BroadcastOp kinds[] = {BroadcastOp::kAdd, BroadcastOp::kSub, BroadcastOp::kMul, BroadcastOp::kDiv};
  BroadcastBinary(kinds[op], Span(dims, 0, axis), dims[axis], Span(dims, axis + 1, dims.size()), x.data, v.data, y.data);
}

BW_ENTRY(gather) {
  Args args(fn, 5);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 1, 16, 0);
  const I32 indices = args.Int32(2, "indices");
  const int64_t axis = args.Integer(3, "axis", 0, static_cast<int64_t>(dims.size()) - 1);
  const F32 out = args.Float32(4, "out");
  RequireCount(args, x, dims, "xShape");
  const int64_t n = dims[axis], outer = Span(dims, 0, axis), inner = Span(dims, axis + 1, dims.size());
  for (int64_t i = 0; i < indices.length; ++i) {
    if (indices.data[i] < 0 || indices.data[i] >= n) {
      args.Fail(true, Text() << "indices[" << i << "] must be in [0, " << n << "), received "
                             << static_cast<int64_t>(indices.data[i]) << ".");
    }
  }
  RequireLength(args, out, outer * indices.length * inner);
  RequireDisjoint(args, out, x);
  RequireNoOverlap(args, indices.data, indices.length * 4, out.data, out.length * 4, "indices must not share memory with out.");
  Gather(outer, n, inner, x.data, indices.length, indices.data, out.data);
}

// One part of a concat: part [outer, block] into columns [offset, offset + block) of out [outer, outBlock].
BW_ENTRY(concatInto) {
  Args args(fn, 6);
  const F32 part = args.Float32(0, "part");
  const int64_t max = int64_t{1} << 53;
  const int64_t outer = args.Integer(1, "outer", 0, max), block = args.Integer(2, "block", 0, max);
  const F32 out = args.Float32(3, "out");
  const int64_t out_block = args.Integer(4, "outBlock", 0, max), offset = args.Integer(5, "offset", 0, max);
  RequireCount(args, part, Dims::Of({outer, block}), "[outer, block]");
  RequireCount(args, out, Dims::Of({outer, out_block}), "[outer, outBlock]");
  if (offset > out_block - block) {
    args.Fail(true, Text() << "offset must be in [0, " << out_block - block << "] (outBlock - block), received " << offset
                           << ".");
  }
  RequireDisjoint(args, out, part);
  ConcatInto(outer, block, part.data, out_block, offset, out.data);
}

BW_ENTRY(oneHot) {
  Args args(fn, 3);
  const F32 indices = args.Float32(0, "indices");
  const int64_t depth = args.Integer(1, "depth", 1, int64_t{1} << 31);
  const F32 out = args.Float32(2, "out");
  for (int64_t i = 0; i < indices.length; ++i) {
    const float k = indices.data[i];
    if (!(k >= 0.0f && k < static_cast<float>(depth) && k == std::floor(k))) {
      args.Fail(true, Text() << "indices[" << i << "] must be an integer class index in [0, " << depth - 1
                             << "], received " << static_cast<double>(k) << ".");
    }
  }
  RequireCount(args, out, Dims::Of({indices.length, depth}), "[indices, depth]");
  RequireDisjoint(args, out, indices);
  OneHot(indices.length, depth, indices.data, out.data);
}

BW_ENTRY(assign) {
  Args args(fn, 2);
  const F32 target = args.Float32(0, "target"), source = args.Float32(1, "source");
  RequireSameLength(args, target, source);
  RequireDisjoint(args, target, source);
  Copy(source.length, source.data, target.data);
}

BW_ENTRY(axpby) {
  Args args(fn, 4);
  const F32 y = args.Float32(0, "y"), x = args.Float32(1, "x");
  const double alpha = args.Number(2, "alpha"), beta = args.Number(3, "beta");
  RequireSameLength(args, y, x);
  RequireDisjoint(args, y, x);
  Axpby(y.length, y.data, x.data, alpha, beta);
}

// matMul and transpose.
#include <vector>

#include "entry/args.h"
#include "entry/export.h"
#include "kernels/gemm.h"
#include "kernels/transpose.h"

using namespace bw;

BW_ENTRY(matMul) {
  Args args(fn, 7);
  const F32 a = args.Float32(0, "a");
  const Dims as = args.Shape(1, "aShape", 2, 2, 0);
  const F32 b = args.Float32(2, "b");
  const Dims bs = args.Shape(3, "bShape", 2, 2, 0);
  const bool ta = args.Boolean(4, "transposeA"), tb = args.Boolean(5, "transposeB");
  const F32 out = args.Float32(6, "out");
  RequireCount(args, a, as, "aShape");
  RequireCount(args, b, bs, "bShape");
  const int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  const int64_t kb = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
  if (k != kb) {
    args.Fail(true, Text() << "inner dimensions must match, received a " << as << " and b " << bs << " (" << k << " vs "
                           << kb << ").");
  }
  RequireCount(args, out, Dims::Of({m, n}), "output shape");
  RequireDisjoint(args, out, a);
  RequireDisjoint(args, out, b);
  // a is stored [m,k] (or [k,m] when transposed), b [k,n] (or [n,k]).
  StridedA packer(a.data, ta ? 1 : as[1], ta ? as[1] : 1);
  GemmProblem p;
  p.m = m;
  p.n = n;
  p.k = k;
  p.a = &packer;
  p.b = b.data;
  p.b_row_stride = tb ? 1 : bs[1];
  p.b_col_stride = tb ? bs[1] : 1;
  p.c = out.data;
  p.ldc = n;
  Gemm(p);
}

BW_ENTRY(transpose) {
  Args args(fn, 4);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 0, 16, 0);
  const Dims perm = args.Shape(2, "perm", dims.size(), dims.size(), 0);
  const F32 out = args.Float32(3, "out");
  RequireCount(args, x, dims, "xShape");
  bool seen[kMaxDims] = {};
  for (int64_t p : perm) {
    if (p >= static_cast<int64_t>(dims.size()) || seen[p]) {
      args.Fail(true, Text() << "perm must be a permutation of 0.." << static_cast<int64_t>(dims.size()) - 1
                             << ", received " << perm << ".");
    }
    seen[p] = true;
  }
  RequireLength(args, out, x.length);
  RequireDisjoint(args, out, x);
  Transpose(dims.Vector(), perm.Vector(), x.data, out.data);
}

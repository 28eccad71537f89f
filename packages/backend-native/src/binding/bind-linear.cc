// matMul and transpose.
#include <napi.h>

#include <vector>

#include "binding/entry.h"
#include "kernels/gemm.h"
#include "kernels/transpose.h"

namespace bw {
namespace {

Work PrepareMatMul(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 7, staging);
  const F32 a = args.Float32(0, "a");
  const Dims as = args.Shape(1, "aShape", 2, 2, 0);
  const F32 b = args.Float32(2, "b");
  const Dims bs = args.Shape(3, "bShape", 2, 2, 0);
  const bool ta = args.Boolean(4, "transposeA"), tb = args.Boolean(5, "transposeB");
  const F32 out = args.Output(6, "out");
  RequireCount(args, a, as, "aShape");
  RequireCount(args, b, bs, "bShape");
  const int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  const int64_t kb = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
  if (k != kb) {
    args.Fail(true, "inner dimensions must match, received a " + FormatDims(as) + " and b " + FormatDims(bs) + " (" +
                        std::to_string(k) + " vs " + std::to_string(kb) + ").");
  }
  RequireCount(args, out, {m, n}, "output shape");
  RequireDisjoint(args, out, a);
  RequireDisjoint(args, out, b);
  const int64_t a1 = as[1], b1 = bs[1];
  return [=] {
    // a is stored [m,k] (or [k,m] when transposed), b [k,n] (or [n,k]).
    StridedA packer(a.data, ta ? 1 : a1, ta ? a1 : 1);
    GemmProblem p;
    p.m = m;
    p.n = n;
    p.k = k;
    p.a = &packer;
    p.b = b.data;
    p.b_row_stride = tb ? 1 : b1;
    p.b_col_stride = tb ? b1 : 1;
    p.c = out.data;
    p.ldc = n;
    Gemm(p);
  };
}

void TransposeEntry(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 4);
  const F32 x = args.Float32(0, "x");
  const Dims dims = args.Shape(1, "xShape", 0, 16, 0);
  const Dims perm = args.Shape(2, "perm", dims.size(), dims.size(), 0);
  const F32 out = args.Float32(3, "out");
  RequireCount(args, x, dims, "xShape");
  std::vector<bool> seen(dims.size(), false);
  for (int64_t p : perm) {
    if (p >= static_cast<int64_t>(dims.size()) || seen[p]) {
      args.Fail(true, "perm must be a permutation of 0.." + std::to_string(static_cast<int64_t>(dims.size()) - 1) +
                          ", received " + FormatDims(perm) + ".");
    }
    seen[p] = true;
  }
  RequireLength(args, out, x.length);
  RequireDisjoint(args, out, x);
  Transpose(dims.ToVector(), perm.ToVector(), x.data, out.data);
}

}  // namespace

void RegisterLinear(Napi::Env env, Napi::Object exports) {
  ExportSyncAndAsync(env, exports, "matMul", PrepareMatMul);
  Export(env, exports, "transpose", TransposeEntry);
}

}  // namespace bw

// Batch normalisation (training, inference, backward) and max pooling.
#include <napi.h>

#include <algorithm>
#include <initializer_list>
#include <limits>

#include "binding/entry.h"
#include "kernels/batch-norm.h"
#include "kernels/max-pool.h"

namespace bw {
namespace {

// x as [rows, channels] with channels the last axis; rank >= 2, no empty axis.
std::pair<int64_t, int64_t> RowsChannels(const Args& args, const F32& x, const Dims& dims, const char* name) {
  RequireCount(args, x, dims, name);
  return {x.length / dims.back(), dims.back()};
}

Work Training(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 9, staging);
  const F32 x = args.Float32(0, "x");
  const auto rc = RowsChannels(args, x, args.Shape(1, "xShape", 2, 16, 1), "xShape");
  const int64_t rows = rc.first, c = rc.second;
  const F32 gamma = args.Float32(2, "gamma"), beta = args.Float32(3, "beta");
  const double eps = args.NumberIn(4, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  const F32 y = args.Output(5, "y"), mean = args.Output(6, "mean"), var = args.Output(7, "variance"),
            inv = args.Output(8, "invStd");
  for (const F32* p : {&gamma, &beta, &mean, &var, &inv}) RequireLength(args, *p, c);
  RequireLength(args, y, x.length);
  RequireAllDisjoint(args, {y, mean, var, inv}, {x, gamma, beta});
  return [=] { BatchNormTraining(rows, c, x.data, gamma.data, beta.data, eps, y.data, mean.data, var.data, inv.data); };
}

void Inference(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 8);
  const F32 x = args.Float32(0, "x");
  const auto [rows, c] = RowsChannels(args, x, args.Shape(1, "xShape", 2, 16, 1), "xShape");
  const F32 mean = args.Float32(2, "mean"), var = args.Float32(3, "variance"), gamma = args.Float32(4, "gamma"),
            beta = args.Float32(5, "beta");
  const double eps = args.NumberIn(6, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  const F32 y = args.Float32(7, "y");
  for (const F32* p : {&mean, &var, &gamma, &beta}) RequireLength(args, *p, c);
  RequireLength(args, y, x.length);
  RequireAllDisjoint(args, {y}, {x, mean, var, gamma, beta});
  BatchNormInference(rows, c, x.data, mean.data, var.data, gamma.data, beta.data, eps, y.data);
}

Work Backward(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 9, staging);
  const F32 dy = args.Float32(0, "dy");
  const auto rc = RowsChannels(args, dy, args.Shape(1, "dyShape", 2, 16, 1), "dyShape");
  const int64_t rows = rc.first, c = rc.second;
  const F32 x = args.Float32(2, "x"), gamma = args.Float32(3, "gamma"), mean = args.Float32(4, "mean"),
            inv = args.Float32(5, "invStd");
  const F32 dx = args.Output(6, "dx"), dgamma = args.Output(7, "dgamma"), dbeta = args.Output(8, "dbeta");
  RequireSameLength(args, dy, x);
  RequireSameLength(args, dy, dx);
  for (const F32* p : {&gamma, &mean, &inv, &dgamma, &dbeta}) RequireLength(args, *p, c);
  RequireAllDisjoint(args, {dx, dgamma, dbeta}, {dy, x, gamma, mean, inv});
  return [=] {
    BatchNormBackward(rows, c, dy.data, x.data, gamma.data, mean.data, inv.data, dx.data, dgamma.data, dbeta.data);
  };
}

void Pool(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 8);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const auto pool = args.PositivePair(2, "poolSize");
  const F32 y = args.Float32(6, "y");
  const I32 argmax = args.Int32(7, "argmax");
  RequireCount(args, x, xs, "xShape");
  // argmax stores flat indices into x as int32.
  if (x.length > std::numeric_limits<int32_t>::max()) args.Fail(true, "x must have fewer than 2^31 elements.");
  const ConvGeom g = CheckWindow(args, xs, pool.first, pool.second, xs[3], 3, 4, static_cast<size_t>(-1), 5);
  RequireCount(args, y, {g.batch, g.out_h, g.out_w, g.out_c}, "output shape");
  if (argmax.length != y.length) {
    args.Fail(true, "argmax must have " + std::to_string(y.length) + " elements, received " +
                        std::to_string(argmax.length) + ".");
  }
  RequireDisjoint(args, y, x);
  const auto a0 = reinterpret_cast<uintptr_t>(argmax.data);
  const auto x0 = reinterpret_cast<uintptr_t>(x.data), y0 = reinterpret_cast<uintptr_t>(y.data);
  const uintptr_t a1 = a0 + argmax.length * 4, x1 = x0 + x.length * 4, y1 = y0 + y.length * 4;
  if ((a0 < x1 && x0 < a1) || (a0 < y1 && y0 < a1)) args.Fail(false, "argmax must not share memory with x or y.");
  MaxPool(g, x.data, y.data, argmax.data);
}

void PoolBackward(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 5);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 4, 4, 0);
  const I32 argmax = args.Int32(2, "argmax");
  const Dims in = args.Shape(3, "inputShape", 4, 4, 0);
  const F32 dx = args.Float32(4, "dx");
  RequireCount(args, dy, dys, "dyShape");
  RequireCount(args, dx, in, "inputShape");
  if (in[0] != dys[0] || in[3] != dys[3]) {
    args.Fail(true, "inputShape must be NHWC with dy's batch and channels " + FormatDims(dys) + ", received " +
                        FormatDims(in) + ".");
  }
  if (argmax.length != dy.length) {
    args.Fail(true, "argmax must have one index per dy element (" + std::to_string(dy.length) + "), received " +
                        std::to_string(argmax.length) + ".");
  }
  // A branch-free scan first (vectorised); the loop that names the first bad index runs only on failure.
  // As uint32 a negative index is >= 2^31, so one compare against min(dx.length, 2^31) catches both ends.
  const uint32_t limit = static_cast<uint32_t>(std::min<int64_t>(dx.length, int64_t{1} << 31));
  uint32_t bad = 0;
  for (int64_t i = 0; i < argmax.length; ++i) bad |= static_cast<uint32_t>(static_cast<uint32_t>(argmax.data[i]) >= limit);
  for (int64_t i = 0; bad != 0 && i < argmax.length; ++i) {
    if (argmax.data[i] < 0 || argmax.data[i] >= dx.length) {
      args.Fail(true, "argmax[" + std::to_string(i) + "] must be in [0, " + std::to_string(dx.length) + "), received " +
                          std::to_string(argmax.data[i]) + ".");
    }
  }
  RequireDisjoint(args, dx, dy);
  const auto a0 = reinterpret_cast<uintptr_t>(argmax.data), d0 = reinterpret_cast<uintptr_t>(dx.data);
  if (argmax.length > 0 && dx.length > 0 && a0 < d0 + dx.length * 4 && d0 < a0 + argmax.length * 4) {
    args.Fail(false, "argmax must not share memory with dx.");
  }
  MaxPoolBackward(dys[0], dy.length, dy.data, argmax.data, dx.length, dx.data);
}

}  // namespace

void RegisterNormPool(Napi::Env env, Napi::Object exports) {
  ExportSyncAndAsync(env, exports, "batchNormTraining", Training);
  Export(env, exports, "batchNormInference", Inference);
  ExportSyncAndAsync(env, exports, "batchNormBackward", Backward);
  Export(env, exports, "maxPool", Pool);
  Export(env, exports, "maxPoolBackward", PoolBackward);
}

}  // namespace bw

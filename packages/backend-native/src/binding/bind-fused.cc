// The fused kernels: batch norm + ReLU (+ max pool) forward and backward.
#include <napi.h>

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <vector>

#include "binding/entry.h"
#include "kernels/fused-bn-relu.h"
#include "kernels/fused-conv-bn-relu-filter.h"
#include "kernels/fused-conv-bn-relu.h"

namespace bw {
namespace {

// argmax must not overlap any float array of the call.
void RequireArgmaxApart(const Args& args, const I32& argmax, const std::vector<F32>& arrays) {
  const auto a0 = reinterpret_cast<uintptr_t>(argmax.data), a1 = a0 + argmax.length * 4;
  for (const F32& f : arrays) {
    const auto f0 = reinterpret_cast<uintptr_t>(f.data), f1 = f0 + f.length * 4;
    if (argmax.length > 0 && f.length > 0 && a0 < f1 && f0 < a1) args.Fail(false, std::string("argmax must not share memory with ") + f.name + ".");
  }
}

// Every argmax index in [0, length): a branch-free scan first (vectorised); the
// loop naming the first bad index runs only on failure.
void RequireArgmaxInRange(const Args& args, const I32& argmax, int64_t length) {
  const uint32_t limit = static_cast<uint32_t>(std::min<int64_t>(length, int64_t{1} << 31));
  uint32_t bad = 0;
  for (int64_t i = 0; i < argmax.length; ++i) bad |= static_cast<uint32_t>(static_cast<uint32_t>(argmax.data[i]) >= limit);
  for (int64_t i = 0; bad != 0 && i < argmax.length; ++i) {
    if (argmax.data[i] < 0 || argmax.data[i] >= length) {
      args.Fail(true, "argmax[" + std::to_string(i) + "] must be in [0, " + std::to_string(length) + "), received " +
                          std::to_string(argmax.data[i]) + ".");
    }
  }
}

// The pool's geometry on NHWC x (args at `at`: poolSize, strides, padding, geometry).
ConvGeom PoolGeometry(const Args& args, const Dims& xs, size_t at) {
  const auto pool = args.PositivePair(at, "poolSize");
  return CheckWindow(args, xs, pool.first, pool.second, xs[3], at + 1, at + 2, static_cast<size_t>(-1), at + 3);
}

// The convolution's input, filter and window (args 0..7), checked as the conv2d entry checks them; the
// input and its shape are called `name` and `shape_name`.
ConvGeom ConvWindow(const Args& args, const char* name, const char* shape_name, F32* x, F32* f) {
  *x = args.Float32(0, name);
  const Dims xs = args.Shape(1, shape_name, 4, 4, 1);
  *f = args.Float32(2, "filter");
  const Dims fs = args.Shape(3, "filterShape", 4, 4, 1);
  check::Failure failure;
  if (!check::ConvArrays(*x, shape_name, {xs.data(), xs.size()}, *f, {fs.data(), fs.size()}, &failure)) {
    args.Fail(failure);
  }
  return CheckWindow(args, xs, fs[0], fs[1], fs[3], 4, 5, 6, 7);
}

// x, xShape, gamma, beta, epsilon, y, mean, variance, invStd.
void Training(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 9);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 2, 16, 1);
  RequireCount(args, x, xs, "xShape");
  const int64_t c = xs.back(), rows = x.length / c;
  const F32 gamma = args.Float32(2, "gamma"), beta = args.Float32(3, "beta");
  const double eps = args.NumberIn(4, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  const F32 y = args.Float32(5, "y"), mean = args.Float32(6, "mean"), var = args.Float32(7, "variance"),
            inv = args.Float32(8, "invStd");
  for (const F32* p : {&gamma, &beta, &mean, &var, &inv}) RequireLength(args, *p, c);
  RequireLength(args, y, x.length);
  RequireAllDisjoint(args, {y, mean, var, inv}, {x, gamma, beta});
  BatchNormReluTraining(rows, c, x.data, gamma.data, beta.data, eps, nullptr, y.data, nullptr, mean.data, var.data, inv.data);
}

// x, xShape, gamma, beta, epsilon, poolSize, strides, padding, geometry, y, argmax, mean, variance, invStd.
void PoolTraining(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 14);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  RequireCount(args, x, xs, "xShape");
  // argmax stores flat indices into x as int32.
  if (x.length > std::numeric_limits<int32_t>::max()) args.Fail(true, "x must have fewer than 2^31 elements.");
  const int64_t c = xs[3], rows = x.length / c;
  const F32 gamma = args.Float32(2, "gamma"), beta = args.Float32(3, "beta");
  const double eps = args.NumberIn(4, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  const ConvGeom g = PoolGeometry(args, xs, 5);
  const F32 y = args.Float32(9, "y");
  const I32 argmax = args.Int32(10, "argmax");
  const F32 mean = args.Float32(11, "mean"), var = args.Float32(12, "variance"), inv = args.Float32(13, "invStd");
  for (const F32* p : {&gamma, &beta, &mean, &var, &inv}) RequireLength(args, *p, c);
  RequireCount(args, y, {g.batch, g.out_h, g.out_w, g.out_c}, "pooled shape");
  if (argmax.length != y.length) {
    args.Fail(true, "argmax must have " + std::to_string(y.length) + " elements, received " + std::to_string(argmax.length) + ".");
  }
  RequireAllDisjoint(args, {y, mean, var, inv}, {x, gamma, beta});
  RequireArgmaxApart(args, argmax, {x, gamma, beta, y, mean, var, inv});
  BatchNormReluTraining(rows, c, x.data, gamma.data, beta.data, eps, &g, y.data, argmax.data, mean.data, var.data, inv.data);
}

// dy, dyShape, x, gamma, mean, invStd, y, dx, dgamma, dbeta.
void Backward(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 10);
  const F32 dy = args.Float32(0, "dy");
  const Dims ds = args.Shape(1, "dyShape", 2, 16, 1);
  RequireCount(args, dy, ds, "dyShape");
  const int64_t c = ds.back(), rows = dy.length / c;
  const F32 x = args.Float32(2, "x"), gamma = args.Float32(3, "gamma"), mean = args.Float32(4, "mean"),
            inv = args.Float32(5, "invStd"), y = args.Float32(6, "y");
  const F32 dx = args.Float32(7, "dx"), dgamma = args.Float32(8, "dgamma"), dbeta = args.Float32(9, "dbeta");
  for (const F32* p : {&x, &y, &dx}) RequireSameLength(args, dy, *p);
  for (const F32* p : {&gamma, &mean, &inv, &dgamma, &dbeta}) RequireLength(args, *p, c);
  RequireAllDisjoint(args, {dx, dgamma, dbeta}, {dy, x, gamma, mean, inv, y});
  BatchNormReluBackward(rows, c, dy.data, x.data, gamma.data, mean.data, inv.data, y.data, nullptr, nullptr, dx.data,
                        dgamma.data, dbeta.data);
}

// dy, dyShape, x, xShape, gamma, mean, invStd, y, argmax, poolSize, strides, padding, geometry, dx, dgamma, dbeta.
void PoolBackward(const Napi::CallbackInfo& info, const char* fn) {
  Args args(info, fn, 16);
  const F32 dy = args.Float32(0, "dy");
  const Dims ds = args.Shape(1, "dyShape", 4, 4, 1);
  RequireCount(args, dy, ds, "dyShape");
  const F32 x = args.Float32(2, "x");
  const Dims xs = args.Shape(3, "xShape", 4, 4, 1);
  RequireCount(args, x, xs, "xShape");
  if (x.length > std::numeric_limits<int32_t>::max()) args.Fail(true, "x must have fewer than 2^31 elements.");
  const int64_t c = xs[3], rows = x.length / c;
  const F32 gamma = args.Float32(4, "gamma"), mean = args.Float32(5, "mean"), inv = args.Float32(6, "invStd"),
            y = args.Float32(7, "y");
  const I32 argmax = args.Int32(8, "argmax");
  const ConvGeom g = PoolGeometry(args, xs, 9);
  const F32 dx = args.Float32(13, "dx"), dgamma = args.Float32(14, "dgamma"), dbeta = args.Float32(15, "dbeta");
  const Dims pooled = {g.batch, g.out_h, g.out_w, g.out_c};
  if (ds != pooled) args.Fail(true, "dyShape must be the pooled shape " + FormatDims(pooled) + ", received " + FormatDims(ds) + ".");
  RequireSameLength(args, dy, y);
  RequireLength(args, dx, x.length);
  for (const F32* p : {&gamma, &mean, &inv, &dgamma, &dbeta}) RequireLength(args, *p, c);
  if (argmax.length != dy.length) {
    args.Fail(true, "argmax must have one index per dy element (" + std::to_string(dy.length) + "), received " +
                        std::to_string(argmax.length) + ".");
  }
  RequireAllDisjoint(args, {dx, dgamma, dbeta}, {dy, x, gamma, mean, inv, y});
  RequireArgmaxApart(args, argmax, {dx, dgamma, dbeta});
  // The forward's own argmax (every index inside its window) takes the path
  // that never follows an index, so it needs no range scan (one less pass over
  // argmax per step). Anything else is scanned before the general path reads it.
  if (BatchNormReluPoolBackwardInWindows(rows, c, dy.data, x.data, gamma.data, mean.data, inv.data, y.data,
                                         argmax.data, g, dx.data, dgamma.data, dbeta.data)) {
    return;
  }
  RequireArgmaxInRange(args, argmax, x.length);
  BatchNormReluBackward(rows, c, dy.data, x.data, gamma.data, mean.data, inv.data, y.data, argmax.data, &g, dx.data,
                        dgamma.data, dbeta.data);
}

// x, xShape, filter, filterShape, strides, padding, dilations, geometry, mean, variance, gamma, beta,
// epsilon, then (pooled) poolSize, poolStrides, poolPadding, poolGeometry, then y.
void ConvBatchNormRelu(const Napi::CallbackInfo& info, const char* fn, bool pooled) {
  Args args(info, fn, pooled ? 18 : 14);
  F32 x, f;
  const ConvGeom g = ConvWindow(args, "x", "xShape", &x, &f);
  const F32 mean = args.Float32(8, "mean"), var = args.Float32(9, "variance"), gamma = args.Float32(10, "gamma"),
            beta = args.Float32(11, "beta");
  const double eps = args.NumberIn(12, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  for (const F32* p : {&mean, &var, &gamma, &beta}) RequireLength(args, *p, g.out_c);
  ConvGeom pool{};
  Dims out = {g.batch, g.out_h, g.out_w, g.out_c};
  if (pooled) {
    pool = PoolGeometry(args, out, 13);
    out = {pool.batch, pool.out_h, pool.out_w, pool.out_c};
  }
  const F32 y = args.Float32(pooled ? 17 : 13, "y");
  RequireCount(args, y, out, "output shape");
  RequireAllDisjoint(args, {y}, {x, f, mean, var, gamma, beta});
  Conv2dBatchNormRelu(g, x.data, f.data, mean.data, var.data, gamma.data, beta.data, eps, pooled ? &pool : nullptr, y.data);
}

// x, xShape, filter, filterShape, strides, padding, dilations, geometry, gamma, beta, epsilon,
// then (pooled) poolSize, poolStrides, poolPadding, poolGeometry, then z, y, [argmax], mean, variance, invStd.
void ConvBatchNormReluTraining(const Napi::CallbackInfo& info, const char* fn, bool pooled) {
  Args args(info, fn, pooled ? 21 : 16);
  F32 x, f;
  const ConvGeom g = ConvWindow(args, "x", "xShape", &x, &f);
  const F32 gamma = args.Float32(8, "gamma"), beta = args.Float32(9, "beta");
  const double eps = args.NumberIn(10, "epsilon", 0.0, std::numeric_limits<double>::max(), true, false);
  const Dims zs = {g.batch, g.out_h, g.out_w, g.out_c};
  ConvGeom pool{};
  Dims out = zs;
  size_t at = 11;
  if (pooled) {
    if (CheckedProduct(args, "output shape", zs) > std::numeric_limits<int32_t>::max()) {
      args.Fail(true, "the conv output must have fewer than 2^31 elements.");
    }
    pool = PoolGeometry(args, zs, 11);
    out = {pool.batch, pool.out_h, pool.out_w, pool.out_c};
    at = 15;
  }
  const F32 z = args.Float32(at, "z"), y = args.Float32(at + 1, "y");
  const I32 argmax = pooled ? args.Int32(at + 2, "argmax") : I32{};
  const size_t s = pooled ? at + 3 : at + 2;
  const F32 mean = args.Float32(s, "mean"), var = args.Float32(s + 1, "variance"), inv = args.Float32(s + 2, "invStd");
  for (const F32* p : {&gamma, &beta, &mean, &var, &inv}) RequireLength(args, *p, g.out_c);
  RequireCount(args, z, zs, "conv output shape");
  RequireCount(args, y, out, "output shape");
  if (pooled && argmax.length != y.length) {
    args.Fail(true, "argmax must have " + std::to_string(y.length) + " elements, received " + std::to_string(argmax.length) + ".");
  }
  RequireAllDisjoint(args, {z, y, mean, var, inv}, {x, f, gamma, beta});
  if (pooled) RequireArgmaxApart(args, argmax, {x, f, gamma, beta, z, y, mean, var, inv});
  Conv2dBatchNormReluTraining(g, x.data, f.data, gamma.data, beta.data, eps, pooled ? &pool : nullptr, z.data, y.data,
                              pooled ? argmax.data : nullptr, mean.data, var.data, inv.data);
}

// input, inputShape, filter, filterShape, strides, padding, dilations, geometry, dy, dyShape, z, gamma, mean,
// invStd, y, then (pooled) argmax, poolSize, poolStrides, poolPadding, poolGeometry, then dfilter, dgamma, dbeta.
void ConvBatchNormReluBackwardFilter(const Napi::CallbackInfo& info, const char* fn, bool pooled) {
  Args args(info, fn, pooled ? 23 : 18);
  F32 input, f;
  const ConvGeom g = ConvWindow(args, "input", "inputShape", &input, &f);
  const F32 dy = args.Float32(8, "dy");
  const Dims ds = args.Shape(9, "dyShape", 4, 4, 1);
  const F32 z = args.Float32(10, "z"), gamma = args.Float32(11, "gamma"), mean = args.Float32(12, "mean"),
            inv = args.Float32(13, "invStd"), y = args.Float32(14, "y");
  const I32 argmax = pooled ? args.Int32(15, "argmax") : I32{};
  const ConvGeom pool = pooled ? PoolGeometry(args, {g.batch, g.out_h, g.out_w, g.out_c}, 16) : ConvGeom{};
  const size_t at = pooled ? 20 : 15;
  const F32 df = args.Float32(at, "dfilter"), dgamma = args.Float32(at + 1, "dgamma"), dbeta = args.Float32(at + 2, "dbeta");
  check::Failure failure;
  if (!check::ConvBnReluFilter({&g, pooled ? &pool : nullptr, input, f, dy, {ds.data(), ds.size()}, z, gamma, mean, inv,
                                y, argmax, df, dgamma, dbeta},
                               &failure)) {
    args.Fail(failure);
  }
  // The fast case never follows argmax (only compares it), so it needs no range scan.
  if (pooled && Conv2dBatchNormReluPoolBackwardFilter(g, input.data, f.data, pool, dy.data, y.data, argmax.data,
                                                      gamma.data, mean.data, inv.data, df.data, dgamma.data,
                                                      dbeta.data)) {
    return;
  }
  // Otherwise the chain as written, which follows argmax.
  if (pooled) RequireArgmaxInRange(args, argmax, z.length);
  Conv2dBatchNormReluBackwardFilterChained(g, input.data, pooled ? &pool : nullptr, dy.data, z.data, y.data,
                                           pooled ? argmax.data : nullptr, gamma.data, mean.data, inv.data, df.data,
                                           dgamma.data, dbeta.data);
}

}  // namespace

void RegisterFused(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "batchNormReluTraining", Training);
  Export(env, exports, "batchNormReluPoolTraining", PoolTraining);
  Export(env, exports, "batchNormReluBackward", Backward);
  Export(env, exports, "batchNormReluPoolBackward", PoolBackward);
  Export(env, exports, "conv2dBatchNormRelu", [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormRelu(info, fn, false); });
  Export(env, exports, "conv2dBatchNormReluPool", [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormRelu(info, fn, true); });
  Export(env, exports, "conv2dBatchNormReluTraining",
         [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormReluTraining(info, fn, false); });
  Export(env, exports, "conv2dBatchNormReluPoolTraining",
         [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormReluTraining(info, fn, true); });
  Export(env, exports, "conv2dBatchNormReluBackwardFilter",
         [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormReluBackwardFilter(info, fn, false); });
  Export(env, exports, "conv2dBatchNormReluPoolBackwardFilter",
         [](const Napi::CallbackInfo& info, const char* fn) { ConvBatchNormReluBackwardFilter(info, fn, true); });
}

}  // namespace bw

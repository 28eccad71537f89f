// conv2d, conv2dBackpropInput, conv2dBackpropFilter.
#include <napi.h>

#include "binding/entry.h"
#include "kernels/conv2d.h"

namespace bw {
namespace {

void RequireFilterFor(const Args& args, const Dims& filter, const Dims& input, const char* name) {
  if (filter[2] != input[3]) {
    args.Fail(true, std::string(name) + " in-channels (dimension 2) must equal the input's channels " +
                        std::to_string(input[3]) + ", received " + FormatDims(filter) + ".");
  }
}

void RequireDy(const Args& args, const Dims& dy, const ConvGeom& g) {
  const Dims want = {g.batch, g.out_h, g.out_w, g.out_c};
  if (dy != want) args.Fail(true, "dy must have shape " + FormatDims(want) + ", received " + FormatDims(dy) + ".");
}

Work Conv2d(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 9, staging);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const F32 f = args.Float32(2, "filter");
  const Dims fs = args.Shape(3, "filterShape", 4, 4, 1);
  const F32 y = args.Output(8, "y");
  RequireCount(args, x, xs, "xShape");
  RequireCount(args, f, fs, "filterShape");
  RequireFilterFor(args, fs, xs, "filterShape");
  const ConvGeom g = CheckWindow(args, xs, fs[0], fs[1], fs[3], 4, 5, 6, 7);
  RequireCount(args, y, {g.batch, g.out_h, g.out_w, g.out_c}, "output shape");
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, y, f);
  return [=] { Conv2dForward(g, x.data, f.data, y.data); };
}

Work BackpropInput(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 10, staging);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 4, 4, 1);
  const F32 f = args.Float32(2, "filter");
  const Dims fs = args.Shape(3, "filterShape", 4, 4, 1);
  const Dims in = args.Shape(4, "inputShape", 4, 4, 1);
  const F32 dx = args.Output(9, "dx");
  RequireCount(args, dy, dys, "dyShape");
  RequireCount(args, f, fs, "filterShape");
  RequireFilterFor(args, fs, in, "filterShape");
  const ConvGeom g = CheckWindow(args, in, fs[0], fs[1], fs[3], 5, 6, 7, 8);
  RequireDy(args, dys, g);
  RequireCount(args, dx, in, "inputShape");
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, f);
  return [=] { Conv2dBackpropInput(g, dy.data, f.data, dx.data); };
}

Work BackpropFilter(const Napi::CallbackInfo& info, const char* fn, AsyncStaging* staging) {
  Args args(info, fn, 10, staging);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const F32 dy = args.Float32(2, "dy");
  const Dims dys = args.Shape(3, "dyShape", 4, 4, 1);
  const Dims fs = args.Shape(4, "filterShape", 4, 4, 1);
  const F32 df = args.Output(9, "dfilter");
  RequireCount(args, x, xs, "xShape");
  RequireCount(args, dy, dys, "dyShape");
  RequireFilterFor(args, fs, xs, "filterShape");
  const ConvGeom g = CheckWindow(args, xs, fs[0], fs[1], fs[3], 5, 6, 7, 8);
  RequireDy(args, dys, g);
  RequireCount(args, df, fs, "filterShape");
  RequireDisjoint(args, df, x);
  RequireDisjoint(args, df, dy);
  return [=] { Conv2dBackpropFilter(g, x.data, dy.data, df.data); };
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object exports) {
  ExportSyncAndAsync(env, exports, "conv2d", Conv2d);
  ExportSyncAndAsync(env, exports, "conv2dBackpropInput", BackpropInput);
  ExportSyncAndAsync(env, exports, "conv2dBackpropFilter", BackpropFilter);
}

}  // namespace bw

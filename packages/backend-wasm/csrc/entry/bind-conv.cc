// conv2d, conv2dBackpropInput, conv2dBackpropFilter.
#include "entry/args.h"
#include "entry/export.h"
#include "entry/window.h"
#include "kernels/conv2d.h"

namespace bw {
namespace {

void RequireFilterFor(const Args& args, const Dims& filter, const Dims& input, const char* name) {
  if (filter[2] != input[3]) {
    args.Fail(true, Text() << name << " in-channels (dimension 2) must equal the input's channels " << input[3]
                           << ", received " << filter << ".");
  }
}

void RequireDy(const Args& args, const Dims& dy, const ConvGeom& g) {
  const Dims want = Dims::Of({g.batch, g.out_h, g.out_w, g.out_c});
  if (dy != want) args.Fail(true, Text() << "dy must have shape " << want << ", received " << dy << ".");
}

}  // namespace
}  // namespace bw

using namespace bw;

BW_ENTRY(conv2d) {
  Args args(fn, 9);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const F32 f = args.Float32(2, "filter");
  const Dims fs = args.Shape(3, "filterShape", 4, 4, 1);
  const F32 y = args.Float32(8, "y");
  RequireCount(args, x, xs, "xShape");
  RequireCount(args, f, fs, "filterShape");
  RequireFilterFor(args, fs, xs, "filterShape");
  const ConvGeom g = CheckWindow(args, xs, fs[0], fs[1], fs[3], 4, 5, 6, 7);
  RequireCount(args, y, Dims::Of({g.batch, g.out_h, g.out_w, g.out_c}), "output shape");
  RequireDisjoint(args, y, x);
  RequireDisjoint(args, y, f);
  Conv2dForward(g, x.data, f.data, y.data);
}

BW_ENTRY(conv2dBackpropInput) {
  Args args(fn, 10);
  const F32 dy = args.Float32(0, "dy");
  const Dims dys = args.Shape(1, "dyShape", 4, 4, 1);
  const F32 f = args.Float32(2, "filter");
  const Dims fs = args.Shape(3, "filterShape", 4, 4, 1);
  const Dims in = args.Shape(4, "inputShape", 4, 4, 1);
  const F32 dx = args.Float32(9, "dx");
  RequireCount(args, dy, dys, "dyShape");
  RequireCount(args, f, fs, "filterShape");
  RequireFilterFor(args, fs, in, "filterShape");
  const ConvGeom g = CheckWindow(args, in, fs[0], fs[1], fs[3], 5, 6, 7, 8);
  RequireDy(args, dys, g);
  RequireCount(args, dx, in, "inputShape");
  RequireDisjoint(args, dx, dy);
  RequireDisjoint(args, dx, f);
  Conv2dBackpropInput(g, dy.data, f.data, dx.data);
}

BW_ENTRY(conv2dBackpropFilter) {
  Args args(fn, 10);
  const F32 x = args.Float32(0, "x");
  const Dims xs = args.Shape(1, "xShape", 4, 4, 1);
  const F32 dy = args.Float32(2, "dy");
  const Dims dys = args.Shape(3, "dyShape", 4, 4, 1);
  const Dims fs = args.Shape(4, "filterShape", 4, 4, 1);
  const F32 df = args.Float32(9, "dfilter");
  RequireCount(args, x, xs, "xShape");
  RequireCount(args, dy, dys, "dyShape");
  RequireFilterFor(args, fs, xs, "filterShape");
  const ConvGeom g = CheckWindow(args, xs, fs[0], fs[1], fs[3], 5, 6, 7, 8);
  RequireDy(args, dys, g);
  RequireCount(args, df, fs, "filterShape");
  RequireDisjoint(args, df, x);
  RequireDisjoint(args, df, dy);
  Conv2dBackpropFilter(g, x.data, dy.data, df.data);
}

#include "entry/window.h"

namespace bw {

ConvGeom CheckWindow(const Args& args, const Dims& input, int64_t k_h, int64_t k_w, int64_t out_c, int strides_index,
                     int padding_index, int dilations_index, int geometry_index) {
  const Dims strides = args.PositivePair(strides_index, "strides");
  const bool same = args.OneOf(padding_index, "padding", {"same", "valid"}) == 0;
  const Dims dil = dilations_index < 0 ? Dims::Of({1, 1}) : args.PositivePair(dilations_index, "dilations");
  const Dims passed = args.Shape(geometry_index, "geometry", 17, 17, 0);
  ConvGeom g{};
  g.batch = input[0];
  g.in_h = input[1];
  g.in_w = input[2];
  g.in_c = input[3];
  g.out_c = out_c;
  g.k_h = k_h;
  g.k_w = k_w;
  g.stride_h = strides[0];
  g.stride_w = strides[1];
  g.dil_h = dil[0];
  g.dil_w = dil[1];
  const bool fits = WindowAxis(g.in_h, k_h, g.stride_h, g.dil_h, same, &g.out_h, &g.pad_top, &g.pad_bottom) &&
                    WindowAxis(g.in_w, k_w, g.stride_w, g.dil_w, same, &g.out_w, &g.pad_left, &g.pad_right);
  if (!fits) args.Fail(true, Text() << "window [" << k_h << "," << k_w << "] does not fit input " << input << ".");
  const Dims mine = Dims::Of({g.batch, g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, g.out_c, g.k_h, g.k_w, g.stride_h,
                              g.stride_w, g.dil_h, g.dil_w, g.pad_top, g.pad_left, g.pad_bottom, g.pad_right});
  if (mine != passed) {
    args.Fail(true, Text() << "geometry must be " << mine << " for these shapes and options, received " << passed << ".");
  }
  return g;
}

}  // namespace bw

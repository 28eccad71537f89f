#include "entry/window.h"

namespace bw {

ConvGeom CheckWindow(const Args& args, const Dims& input, int64_t k_h, int64_t k_w, int64_t out_c, int strides_index,
                     int padding_index, int dilations_index, int geometry_index) {
  const Dims strides = args.PositivePair(strides_index, "strides");
  const bool same = args.OneOf(padding_index, "padding", {"same", "valid"}) == 0;
  const Dims dil = dilations_index < 0 ? Dims::Of({1, 1}) : args.PositivePair(dilations_index, "dilations");
  const Dims passed = args.Shape(geometry_index, "geometry", 17, 17, 0);
  const check::WindowRequest r{{input.v, input.n}, k_h, k_w, out_c, strides[0], strides[1], dil[0], dil[1], same,
                               {passed.v, passed.n}};
  ConvGeom g{};
  check::Failure f;
  if (!check::Window(r, &g, &f)) args.Fail(f);
  return g;
}

}  // namespace bw

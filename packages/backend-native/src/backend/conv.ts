import { conv2dGeometry, makeTensor, sizeOf, type Backend, type Conv2DOptions, type Shape, type Tensor } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { geometryArgs, validated } from './validated.js';

type ConvKernels = Pick<Backend, 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter'>;

/** Geometry from core (TF 'same' padding), passed to the addon, which recomputes and compares it. */
export function convKernels(addon: FullAddon): ConvKernels {
  return {
    conv2d: validated('conv2d', (x: Tensor, filter: Tensor, o: Conv2DOptions) => {
      const g = conv2dGeometry(x.shape, filter.shape, o);
      const shape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
      const y = new Float32Array(sizeOf(shape));
      addon.conv2d(x.data, x.shape, filter.data, filter.shape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), y);
      return makeTensor(y, shape);
    }),
    conv2dBackpropInput: validated('conv2dBackpropInput', (dy: Tensor, filter: Tensor, inputShape: Shape, o: Conv2DOptions) => {
      const g = conv2dGeometry(inputShape, filter.shape, o);
      const dx = new Float32Array(sizeOf(inputShape));
      addon.conv2dBackpropInput(
        dy.data, dy.shape, filter.data, filter.shape, inputShape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), dx,
      );
      return makeTensor(dx, inputShape);
    }),
    conv2dBackpropFilter: validated('conv2dBackpropFilter', (x: Tensor, dy: Tensor, filterShape: Shape, o: Conv2DOptions) => {
      const g = conv2dGeometry(x.shape, filterShape, o);
      const df = new Float32Array(sizeOf(filterShape));
      addon.conv2dBackpropFilter(
        x.data, x.shape, dy.data, dy.shape, filterShape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), df,
      );
      return makeTensor(df, filterShape);
    }),
  };
}

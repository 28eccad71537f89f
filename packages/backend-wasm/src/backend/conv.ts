import { conv2dGeometry, validated, type Backend, type Conv2DGeometry, type Conv2DOptions, type Shape, type Tensor, type WindowGeometry } from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { outputTensor } from '../runtime/storage.js';

type ConvKernels = Pick<Backend, 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter'>;

const PADDINGS = ['same', 'valid'] as const;

/** The 17 numbers the module re-derives and compares, in the order of the C++ ConvGeom struct. */
export function geometryArgs(g: WindowGeometry, outChannels: number): number[] {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, outChannels,
    g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
    g.padTop, g.padLeft, g.padBottom, g.padRight,
  ];
}

/** Strides, padding, dilations and the geometry (TF 'same' padding, from core), as the conv entries read them. */
function window(call: KernelCall, o: Conv2DOptions, g: Conv2DGeometry): KernelCall {
  return call.array(o.strides).oneOf(o.padding, PADDINGS).array(o.dilations).array(geometryArgs(g, g.outChannels));
}

export function convKernels(rt: WasmRuntime): ConvKernels {
  return {
    conv2d: validated('conv2d', (x: Tensor, filter: Tensor, o: Conv2DOptions) => {
      const g = conv2dGeometry(x.shape, filter.shape, o);
      const y = outputTensor(rt, 'conv2d', [g.batch, g.outHeight, g.outWidth, g.outChannels]);
      const call = new KernelCall(rt, 'conv2d').tensor(x).array(x.shape).tensor(filter).array(filter.shape);
      window(call, o, g).output(y.storage).run();
      return y.tensor;
    }),
    conv2dBackpropInput: validated('conv2dBackpropInput', (dy: Tensor, filter: Tensor, inputShape: Shape, o: Conv2DOptions) => {
      const g = conv2dGeometry(inputShape, filter.shape, o);
      const dx = outputTensor(rt, 'conv2dBackpropInput', inputShape);
      const call = new KernelCall(rt, 'conv2dBackpropInput').tensor(dy).array(dy.shape).tensor(filter).array(filter.shape).array(inputShape);
      window(call, o, g).output(dx.storage).run();
      return dx.tensor;
    }),
    conv2dBackpropFilter: validated('conv2dBackpropFilter', (x: Tensor, dy: Tensor, filterShape: Shape, o: Conv2DOptions) => {
      const g = conv2dGeometry(x.shape, filterShape, o);
      const df = outputTensor(rt, 'conv2dBackpropFilter', filterShape);
      const call = new KernelCall(rt, 'conv2dBackpropFilter').tensor(x).array(x.shape).tensor(dy).array(dy.shape).array(filterShape);
      window(call, o, g).output(df.storage).run();
      return df.tensor;
    }),
  };
}

import { windowAxis } from '@batchwise/core';
import type { Conv2D } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { inLayout, NCHW, type Value } from '../graph/layout.js';
import { applyActivation, preActivationName } from './activation.js';
import type { LayerCall } from './call.js';
import { layerWeights } from './weights.js';

/** HWIO [kh, kw, in, out] to ONNX's OIHW [out, in, kh, kw]. */
export function hwioToOihw(data: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
      }
    }
  }
  return out;
}

/**
 * ONNX pads [top, left, bottom, right] for a window on an H x W input:
 * zero for 'valid'; for 'same', TensorFlow's split (core's windowAxis),
 * whose extra row or column goes last, as explicit pads rather than
 * auto_pad so that no runtime has to agree on SAME_UPPER.
 */
export function explicitPads(
  [h, w]: readonly number[], kernel: readonly number[], strides: readonly number[], dilations: readonly number[], padding: 'same' | 'valid',
): number[] {
  const rows = windowAxis(h, kernel[0], strides[0], dilations[0], padding);
  const cols = windowAxis(w, kernel[1], strides[1], dilations[1], padding);
  return [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter];
}

/** Conv2D as an NCHW Conv with OIHW weights; the input is transposed only if it is not NCHW yet. */
export function conv2d(g: GraphBuilder, call: LayerCall<Conv2D>): Value {
  const { layer, name } = call;
  const x = inLayout(g, call.inputs[0], NCHW);
  const shape = layer.kernel.shape;
  const cin = shape[2];
  const cout = shape[3];
  const oihw = [cout, cin, shape[0], shape[1]];
  const w = layerWeights(g, layer, oihw, hwioToOihw(layer.kernel.value.data, shape));
  const spatial = call.inputShapes[0].slice(1, 3) as number[];
  const z = g.node('Conv', w.bias ? [x.name, w.kernel, w.bias] : [x.name, w.kernel], preActivationName(layer.activation, name), {
    kernel_shape: { ints: layer.kernelSize },
    strides: { ints: layer.strides },
    dilations: { ints: layer.dilationRate },
    pads: { ints: explicitPads(spatial, layer.kernelSize, layer.strides, layer.dilationRate, layer.padding) },
    group: { i: 1 },
  });
  return applyActivation(g, layer.activation, { name: z, perm: NCHW }, name);
}

import type { MaxPooling2D } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { inLayout, NCHW, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';
import { explicitPads } from './conv2d.js';

/** MaxPooling2D as NCHW MaxPool; ONNX never picks a padded position, as TensorFlow's 'same' pooling. */
export function maxPooling2d(g: GraphBuilder, call: LayerCall<MaxPooling2D>): Value {
  const { layer, name } = call;
  const x = inLayout(g, call.inputs[0], NCHW);
  const spatial = call.inputShapes[0].slice(1, 3) as number[];
  return {
    name: g.node('MaxPool', [x.name], name, {
      kernel_shape: { ints: layer.poolSize },
      strides: { ints: layer.strides },
      pads: { ints: explicitPads(spatial, layer.poolSize, layer.strides, [1, 1], layer.padding) },
    }),
    perm: NCHW,
  };
}

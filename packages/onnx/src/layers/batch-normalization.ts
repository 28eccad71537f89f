import type { BatchNormalization } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { identityPerm, inLayout, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';

/**
 * BatchNormalization in inference mode: ONNX BatchNormalization (opset 15,
 * training_mode 0) with the moving statistics, y = (x - mean) / sqrt(var + eps) * scale + B,
 * the formula Keras uses at inference. ONNX normalizes axis 1, so the feature
 * axis is moved there when the layout does not have it there already (an
 * NCHW value after a Conv needs nothing; a [batch, features] one neither).
 * Without `scale` or `center`, gamma is ones and beta zeros, as the layer computes.
 */
export function batchNormalization(g: GraphBuilder, call: LayerCall<BatchNormalization>): Value {
  const { layer, name } = call;
  const rank = call.inputShapes[0].length;
  const axis = layer.resolveAxis(rank);
  let x = call.inputs[0];
  if (x.perm[1] !== axis) x = inLayout(g, x, [0, axis, ...identityPerm(rank).filter((a) => a !== 0 && a !== axis)]);
  const channels = layer.movingMean.shape[0];
  const param = (v: typeof layer.gamma, fallback: number, what: string) =>
    v ? g.cachedConstant(v, 'onnx', () => ({ hint: `${layer.name}/${what}`, dims: [channels], data: v.value.data }))
      : g.cachedConstant(layer, what, () => ({ hint: `${layer.name}/${what}`, dims: [channels], data: new Float32Array(channels).fill(fallback) }));
  const inputs = [x.name, param(layer.gamma, 1, 'gamma'), param(layer.beta, 0, 'beta'), param(layer.movingMean, 0, 'moving_mean'), param(layer.movingVariance, 1, 'moving_variance')];
  return { name: g.node('BatchNormalization', inputs, name, { epsilon: { f: layer.epsilon } }), perm: x.perm };
}

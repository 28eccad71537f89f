import type { Normalization } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { inLogicalOrder, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';

/** Keras' backend epsilon: Normalization divides by max(sqrt(variance), 1e-7). */
const NORMALIZATION_EPSILON = 1e-7;

/**
 * Normalization: (x - mean) * (1 / max(sqrt(variance), 1e-7)) per feature on
 * the last axis, as Sub then Mul with the float32 factors the layer itself
 * multiplies by, so both give the same bits.
 */
export function normalization(g: GraphBuilder, call: LayerCall<Normalization>): Value {
  const { layer, name } = call;
  const x = inLogicalOrder(g, call.inputs[0]);
  const variance = layer.variance.value.data;
  const inv = Float32Array.from(variance, (v) => 1 / Math.max(Math.sqrt(v), NORMALIZATION_EPSILON));
  const mean = g.cachedConstant(layer.mean, 'onnx', () => ({ hint: `${layer.name}/mean`, dims: [variance.length], data: layer.mean.value.data }));
  const scale = g.cachedConstant(layer.variance, 'inverse_std', () => ({ hint: `${layer.name}/inverse_std`, dims: [variance.length], data: inv }));
  const centred = g.node('Sub', [x.name, mean], `${name}/centred`);
  return { name: g.node('Mul', [centred, scale], name), perm: x.perm };
}

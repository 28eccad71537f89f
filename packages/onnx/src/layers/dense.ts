import type { Dense } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { identityPerm, inLogicalOrder, type Value } from '../graph/layout.js';
import { applyActivation, preActivationName } from './activation.js';
import { layerWeights } from './weights.js';
import type { LayerCall } from './call.js';

/**
 * Dense: y = activation(x · kernel + bias) over the last axis. A rank-2
 * input is one Gemm (kernel [in, units] as stored); a higher rank is MatMul,
 * which broadcasts over the leading axes, then Add.
 */
export function dense(g: GraphBuilder, call: LayerCall<Dense>): Value {
  const { layer, name } = call;
  const x = inLogicalOrder(g, call.inputs[0]);
  const [inDim, units] = layer.kernel.shape;
  const w = layerWeights(g, layer, [inDim, units], layer.kernel.value.data);
  const pre = preActivationName(layer.activation, name);
  let z: string;
  if (x.perm.length === 2) {
    z = g.node('Gemm', w.bias ? [x.name, w.kernel, w.bias] : [x.name, w.kernel], pre);
  } else {
    z = g.node('MatMul', [x.name, w.kernel], w.bias ? `${name}/matmul` : pre);
    if (w.bias) z = g.node('Add', [z, w.bias], pre);
  }
  return applyActivation(g, layer.activation, { name: z, perm: identityPerm(x.perm.length) }, name);
}

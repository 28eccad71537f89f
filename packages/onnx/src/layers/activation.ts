import type { Activation, ActivationName } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { physicalAxis, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';

const ELEMENTWISE: Record<Exclude<ActivationName, 'linear' | 'softmax'>, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' };

/**
 * Applies an activation to `v`, naming its output `name`. Elementwise ones
 * keep the layout; softmax runs over the model's last axis, wherever the
 * layout put it (Softmax takes one axis from opset 13 on). 'linear' adds no
 * node unless `always` asks for an Identity to carry the name.
 */
export function applyActivation(g: GraphBuilder, activation: ActivationName, v: Value, name: string, always = false): Value {
  if (activation === 'linear') return always ? { name: g.node('Identity', [v.name], name), perm: v.perm } : v;
  if (activation === 'softmax') {
    return { name: g.node('Softmax', [v.name], name, { axis: { i: physicalAxis(v, v.perm.length - 1) } }), perm: v.perm };
  }
  return { name: g.node(ELEMENTWISE[activation], [v.name], name), perm: v.perm };
}

/** The name of the node before a fused activation: the call's own name when there is no activation. */
export const preActivationName = (activation: ActivationName, name: string): string => (activation === 'linear' ? name : `${name}/linear`);

export const activationLayer = (g: GraphBuilder, call: LayerCall<Activation>): Value =>
  applyActivation(g, call.layer.activation, call.inputs[0], call.name, true);

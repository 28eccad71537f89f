import type { Add, Concatenate } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { inLayout, physicalAxis, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';

/** Every input in the first one's layout (transposing only those that differ). */
const aligned = (g: GraphBuilder, inputs: Value[]): Value[] => inputs.map((v) => inLayout(g, v, inputs[0].perm));

/** Add: a chain of binary Adds, left to right, the order batchwise sums in. */
export function add(g: GraphBuilder, call: LayerCall<Add>): Value {
  const xs = aligned(g, call.inputs);
  let sum = xs[0].name;
  for (let i = 1; i < xs.length; i++) sum = g.node('Add', [sum, xs[i].name], i === xs.length - 1 ? call.name : `${call.name}/sum${i}`);
  return { name: sum, perm: xs[0].perm };
}

/** Concatenate along the model's axis, wherever the layout put it. */
export function concatenate(g: GraphBuilder, call: LayerCall<Concatenate>): Value {
  const xs = aligned(g, call.inputs);
  const rank = xs[0].perm.length;
  const axis = call.layer.axis < 0 ? call.layer.axis + rank : call.layer.axis;
  return { name: g.node('Concat', xs.map((x) => x.name), call.name, { axis: { i: physicalAxis(xs[0], axis) } }), perm: xs[0].perm };
}

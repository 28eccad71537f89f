import type { Dropout, Flatten } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import { inLogicalOrder, type Value } from '../graph/layout.js';
import type { LayerCall } from './call.js';

/**
 * Flatten in Keras' order: the value goes back to NHWC first, so that
 * element (h, w, c) lands where batchwise puts it, and the Dense after it
 * keeps its kernel rows as trained.
 */
export function flatten(g: GraphBuilder, call: LayerCall<Flatten>): Value {
  const x = inLogicalOrder(g, call.inputs[0]);
  return { name: g.node('Flatten', [x.name], call.name, { axis: { i: 1 } }), perm: [0, 1] };
}

/** Dropout is the identity at inference (inverted dropout scales while training instead). */
export function dropout(g: GraphBuilder, call: LayerCall<Dropout>): Value {
  const x = call.inputs[0];
  return { name: g.node('Identity', [x.name], call.name), perm: x.perm };
}

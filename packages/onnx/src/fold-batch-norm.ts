import { BatchNormalization, Conv2D, Dense, type SymbolicTensor } from '@batchwise/layers';
import type { ModelGraph } from './graph/walk.js';
import type { ChannelAffine } from './layers/call.js';

export interface FoldPlan {
  /** By the id of a Conv2D or Dense output: the affine map of the BatchNormalization folded into it. */
  into: Map<number, ChannelAffine>;
  /** Ids of the BatchNormalization outputs that the folded layer's output replaces. */
  replaced: Set<number>;
}

/**
 * Which BatchNormalization layers fold into the Conv2D or Dense before them:
 * those normalizing the last (channel) axis of the output of a layer with a
 * linear activation that is called once and read by nothing else. Folding
 * computes y = z * s + (beta - mean * s) with s = gamma / sqrt(var + eps)
 * per channel in float64 (the moving statistics are constants at inference).
 */
export function planFolds(graph: ModelGraph): FoldPlan {
  const into = new Map<number, ChannelAffine>();
  const replaced = new Set<number>();
  for (const t of graph.order) {
    const bn = t.sourceLayer;
    if (!(bn instanceof BatchNormalization) || t.inputs.length !== 1) continue;
    const z: SymbolicTensor = t.inputs[0];
    const producer = z.sourceLayer;
    const foldable = (producer instanceof Conv2D || producer instanceof Dense) && producer.activation === 'linear';
    if (!foldable || graph.calls.get(producer) !== 1 || graph.readers.get(z.id) !== 1) continue;
    if (bn.resolveAxis(t.shape.length) !== t.shape.length - 1) continue;
    const channels = bn.movingMean.shape[0];
    const scale = new Float64Array(channels);
    const shift = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const gamma = bn.gamma ? bn.gamma.value.data[c] : 1;
      const beta = bn.beta ? bn.beta.value.data[c] : 0;
      scale[c] = gamma / Math.sqrt(bn.movingVariance.value.data[c] + bn.epsilon);
      shift[c] = beta - bn.movingMean.value.data[c] * scale[c];
    }
    into.set(z.id, { scale, shift });
    replaced.add(t.id);
  }
  return { into, replaced };
}

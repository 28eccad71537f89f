import type { NamedArrays } from '../torch/data-file.js';

/*
 * A @batchwise/layers model's weights as named Keras-layout arrays for the
 * PyTorch child: `<prefix><i>.<weight name>`, where i counts the layers that
 * have weights, in order (the child numbers its conv, batch-norm and dense
 * modules the same way and converts the layouts).
 */

/** The part of a @batchwise/layers model read here (the bench types @batchwise/layers structurally). */
export interface WeightedModel {
  layers: readonly { weights: readonly { name: string; shape: readonly number[]; value: { data: Float32Array } }[] }[];
}

export function weightArrays(model: WeightedModel, prefix: string): NamedArrays {
  const out: NamedArrays = {};
  let i = 0;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    // Copies: the model keeps training (and its buffers may be reused) after this snapshot.
    for (const w of layer.weights) out[`${prefix}${i}.${w.name}`] = { data: w.value.data.slice(), shape: [...w.shape] };
    i++;
  }
  return out;
}

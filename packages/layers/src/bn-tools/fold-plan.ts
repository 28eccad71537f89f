import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import type { Graph } from '../engine/topology.js';
import { readValues } from '../engine/values.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';

/*
 * Which batch norms fold into the layer before them. At inference a batch
 * norm is the per-channel affine map y = z * s + (beta - mean * s) with
 * s = gamma / sqrt(moving_var + eps). When z is the linear output of a
 * Conv2D or Dense (its activation, if any, comes after the batch norm, as a
 * separate layer) the map moves into that layer: kernel[..., c] * s[c] and
 * bias[c] * s[c] + beta[c] - mean[c] * s[c]. It is only exact when nothing
 * else reads z and the layer is called once, and when the batch norm
 * normalizes the channel axis (the last one, which the kernel's last axis feeds).
 */

/** A batch-norm call folded into the Conv2D or Dense call before it. */
export interface Fold {
  /** The batch norm's output, replaced by the producer's. */
  batchNorm: SymbolicTensor;
  /** The Conv2D or Dense output it folds into. */
  producer: SymbolicTensor;
  /** Per output channel: z' = z * scale + shift, in float64. */
  scale: Float64Array;
  shift: Float64Array;
}

/** A batch-norm call that stays, and why. */
export interface KeptBatchNorm {
  layer: string;
  reason: string;
}

export interface FoldPlan {
  folds: Fold[];
  kept: KeptBatchNorm[];
}

function readersOf(graph: Graph): Map<number, number> {
  const readers = new Map<number, number>();
  for (const t of graph.order) for (const p of t.inputs) readers.set(p.id, (readers.get(p.id) ?? 0) + 1);
  // A model output is read by whoever calls the model.
  for (const t of graph.outputs) readers.set(t.id, (readers.get(t.id) ?? 0) + 1);
  return readers;
}

function callsOf(graph: Graph): Map<object, number> {
  const calls = new Map<object, number>();
  for (const t of graph.order) if (t.inputs.length > 0) calls.set(t.sourceLayer, (calls.get(t.sourceLayer) ?? 0) + 1);
  return calls;
}

/** Why this batch-norm call cannot fold, or null when it can. */
function obstacle(t: SymbolicTensor, bn: BatchNormalization, readers: Map<number, number>, calls: Map<object, number>): string | null {
  const z = t.inputs[0];
  const p = z.sourceLayer;
  if (!(p instanceof Conv2D || p instanceof Dense)) return `it follows ${p.className} '${p.name}', not a Conv2D or Dense`;
  if (p.activation !== 'linear') return `it follows the '${p.activation}' activation of ${p.className} '${p.name}' (fold needs the activation after the batch norm)`;
  if (calls.get(p) !== 1) return `${p.className} '${p.name}' is called more than once`;
  if (readers.get(z.id) !== 1) return `the output of ${p.className} '${p.name}' is read by other layers too`;
  if (bn.resolveAxis(t.rank) !== t.rank - 1) return `it normalizes axis ${bn.resolveAxis(t.rank)}, not the channel (last) axis`;
  return null;
}

/** Every batch-norm call of the graph, folded or kept (with the reason). */
export function planFolds(graph: Graph): FoldPlan {
  const readers = readersOf(graph);
  const calls = callsOf(graph);
  const folds: Fold[] = [];
  const kept: KeptBatchNorm[] = [];
  for (const t of graph.order) {
    const bn = t.sourceLayer;
    if (!(bn instanceof BatchNormalization) || t.inputs.length !== 1) continue;
    const why = obstacle(t, bn, readers, calls);
    if (why !== null) {
      kept.push({ layer: bn.name, reason: why });
      continue;
    }
    folds.push({ batchNorm: t, producer: t.inputs[0], ...channelAffine(bn) });
  }
  return { folds, kept };
}

/** s = gamma / sqrt(var + eps), shift = beta - mean * s per channel, in float64 from the float32 weights. */
export function channelAffine(bn: BatchNormalization): { scale: Float64Array; shift: Float64Array } {
  const mean = readValues(bn.movingMean.value);
  const variance = readValues(bn.movingVariance.value);
  const gamma = bn.gamma ? readValues(bn.gamma.value) : null;
  const beta = bn.beta ? readValues(bn.beta.value) : null;
  const scale = Float64Array.from(mean, (_, c) => (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + bn.epsilon));
  const shift = Float64Array.from(mean, (m, c) => (beta ? beta[c] : 0) - m * scale[c]);
  return { scale, shift };
}

/** The folded kernel (output channel last: HWIO or [in, units]) and bias, each rounded to float32 once. */
export function foldedWeights(producer: Conv2D | Dense, fold: Pick<Fold, 'scale' | 'shift'>): { kernel: Float32Array; bias: Float32Array } {
  const kernel = readValues(producer.kernel.value);
  const bias = producer.bias ? readValues(producer.bias.value) : null;
  const channels = fold.scale.length;
  return {
    kernel: Float32Array.from(kernel, (v, i) => v * fold.scale[i % channels]),
    bias: Float32Array.from(fold.scale, (s, c) => (bias ? bias[c] : 0) * s + fold.shift[c]),
  };
}

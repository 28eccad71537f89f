import { ops, type Tensor } from '@batchwise/core';
import { concatRows, splitAxis } from '../engine/tensor-utils.js';
import { readValues } from '../engine/values.js';
import type { PassGradients, TrainingPass } from './batch-norm-passes.js';

/*
 * Ghost batch normalization (Hoffer, Hubara & Soudry 2017, "Train longer,
 * generalize better", section 4): in training, the batch is cut into runs of
 * `virtualBatchSize` consecutive samples (the last run holds the remainder)
 * and each is normalized with its own mean and biased variance. Inference uses
 * the moving statistics as always, whatever the batch (keras #15790 applied
 * the split at inference too).
 *
 * Moving averages: one update per batch with the size-weighted means of the
 * ghost means and of the ghost variances, as Keras 2 (equal sizes: their plain
 * mean). The variance folded in is the within-ghost one, which is what the
 * training-time normalization divides by.
 */

export interface GhostCache {
  kind: 'ghost';
  parts: { x: Tensor; mean: Tensor; variance: Tensor; invStd: Tensor }[];
  gamma: Tensor;
}

/** Sizes of the ghost batches of a batch of n samples. */
export function ghostSizes(n: number, virtualBatchSize: number): number[] {
  const sizes = new Array<number>(Math.floor(n / virtualBatchSize)).fill(virtualBatchSize);
  if (n % virtualBatchSize > 0) sizes.push(n % virtualBatchSize);
  return sizes;
}

/** x has the feature axis last and the batch axis first. */
export function ghostForward(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number, virtualBatchSize: number): TrainingPass<GhostCache> {
  const n = x.shape[0];
  const sizes = ghostSizes(n, virtualBatchSize);
  const xs = sizes.length === 1 ? [x] : splitAxis(x, sizes, 0);
  const runs = xs.map((part) => ({ part, r: ops.batchNormTraining(part, gamma, beta, { epsilon }) }));
  const y = runs.length === 1 ? runs[0].r.y : concatRows(runs.map((g) => g.r.y));
  const weights = sizes.map((s) => s / n);
  const perSample = x.size / (n * x.shape[x.rank - 1]);
  return {
    y,
    cache: { kind: 'ghost', parts: runs.map(({ part, r }) => ({ x: part, mean: r.mean, variance: r.variance, invStd: r.invStd })), gamma },
    mean: weightedSum(runs.map((g) => g.r.mean), weights),
    variance: weightedSum(runs.map((g) => g.r.variance), weights),
    groupCount: Math.min(...sizes) * perSample,
  };
}

/** Each ghost batch's own full backward; gamma and beta gradients summed over them. */
export function ghostBackward(dy: Tensor, c: GhostCache, weightGrads: boolean): PassGradients {
  const dys = c.parts.length === 1 ? [dy] : splitAxis(dy, c.parts.map((p) => p.x.shape[0]), 0);
  const grads = c.parts.map((p, i) => ops.batchNormBackward(dys[i], { x: p.x, gamma: c.gamma, mean: p.mean, invStd: p.invStd }));
  const dx = grads.length === 1 ? grads[0].dx : concatRows(grads.map((g) => g.dx));
  if (!weightGrads) return { dx, dgamma: null, dbeta: null };
  return { dx, dgamma: grads.map((g) => g.dgamma).reduce((a, b) => ops.add(a, b)), dbeta: grads.map((g) => g.dbeta).reduce((a, b) => ops.add(a, b)) };
}

/** Mean and biased variance of the whole batch, merged exactly from the ghost batches' in float64 (Chan et al.). */
export function ghostFullBatch(c: GhostCache): { mean: Float64Array; variance: Float64Array } {
  const n = c.parts.reduce((s, p) => s + p.x.shape[0], 0);
  const channels = c.gamma.size;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (const p of c.parts) {
    const m = readValues(p.mean);
    for (let j = 0; j < channels; j++) mean[j] += (p.x.shape[0] / n) * m[j];
  }
  for (const p of c.parts) {
    const m = readValues(p.mean);
    const v = readValues(p.variance);
    for (let j = 0; j < channels; j++) variance[j] += (p.x.shape[0] / n) * (v[j] + (m[j] - mean[j]) ** 2);
  }
  return { mean, variance };
}

/** sum_i w_i * v_i over [C] vectors, reduced by the backend's float64 sum. */
function weightedSum(vectors: Tensor[], weights: number[]): Tensor {
  if (vectors.length === 1) return vectors[0];
  const c = vectors[0].size;
  const rows = vectors.map((v, i) => ops.mulScalar(v, weights[i]).reshape([1, c]));
  return ops.sum(concatRows(rows), { axes: [0] });
}

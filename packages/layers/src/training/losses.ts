import { InvalidArgumentError, ShapeError, classIndexError, formatShape, ops, type Tensor } from '@batchwise/core';
import { readScalar } from '../engine/values.js';

/*
 * Losses with TensorFlow.js semantics, value and gradient together, on the
 * backend's kernels. Each returns the mean of the per-sample losses (read out
 * for the logs; the kernels' reductions sum in float64) and dLoss/dPrediction.
 * Probabilities are clipped to [EPSILON, 1 - EPSILON] in float32 as tfjs does,
 * and the gradient is zero where the clip is active (as tf.clipByValue's).
 */

/** tfjs backend epsilon used to clip probabilities before the log. */
export const EPSILON = 1e-7;

export const LOSS_NAMES = ['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** Keras (snake_case) and short spellings accepted for the same losses. */
const ALIASES: Record<string, LossName> = {
  mse: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

export function resolveLossName(fn: string, v: unknown): LossName {
  if (typeof v === 'string' && (LOSS_NAMES as readonly string[]).includes(v)) return v as LossName;
  if (typeof v === 'string' && ALIASES[v]) return ALIASES[v];
  throw new InvalidArgumentError(`${fn}: loss must be one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, received ${typeof v === 'string' ? `'${v}'` : String(v)}.`);
}

export interface LossResult {
  loss: number;
  grad: Tensor;
}

/** yTrue and yPred must have the same shape; the message names the caller. */
export function checkSameShape(fn: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ShapeError(`${fn}: yTrue must have the prediction's shape ${formatShape(yPred.shape)}, received ${formatShape(yTrue.shape)}.`);
  }
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('meanSquaredError', yTrue, yPred);
  const d = ops.sub(yPred, yTrue);
  // mean over the last axis, then over the samples: the mean over all elements.
  return { loss: readScalar(ops.mean(ops.square(d))), grad: ops.mulScalar(d, 2 / yPred.size) };
}

/** 1 - t, elementwise. */
const oneMinus = (t: Tensor): Tensor => ops.addScalar(ops.neg(t), 1);

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('binaryCrossentropy', yTrue, yPred);
  const p = ops.clip(yPred, EPSILON, 1 - EPSILON);
  // 1 where the clip left the prediction alone: the gradient is 0 where it is active.
  const inside = ops.equal(p, yPred);
  const q = oneMinus(p);
  const logLikelihood = ops.add(ops.mul(yTrue, ops.log(p)), ops.mul(oneMinus(yTrue), ops.log(q)));
  // d/dp of -(t log p + (1 - t) log(1 - p)) = (p - t) / (p (1 - p)), averaged over the n elements.
  const grad = ops.mulScalar(ops.mul(ops.div(ops.sub(p, yTrue), ops.mul(p, q)), inside), 1 / yPred.size);
  return { loss: -readScalar(ops.mean(logLikelihood)), grad };
}

/** tfjs: q = p / sum(p) over the last axis, clip, then -sum(t * log q); mean over rows. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('categoricalCrossentropy', yTrue, yPred);
  const c = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / c;
  const p = yPred.reshape([rows, c]);
  const t = yTrue.reshape([rows, c]);
  const s = ops.sum(p, { axes: [1] });
  const perRow = (x: Tensor, v: Tensor, op: 'sub' | 'div') => ops.broadcastBinary(x, v, { op, axis: 0 });
  const q = perRow(p, s, 'div');
  const qc = ops.clip(q, EPSILON, 1 - EPSILON);
  const inside = ops.equal(qc, q);
  const loss = -readScalar(ops.sum(ops.mul(t, ops.log(qc)))) / rows;
  // g = dL/dq (0 where clipped); through q = p / s: dL/dp_k = (g_k - sum_j g_j q_j) / s.
  const g = ops.mul(ops.div(ops.neg(t), qc), inside);
  const dot = ops.sum(ops.mul(g, q), { axes: [1] });
  const grad = ops.mulScalar(perRow(perRow(g, dot, 'sub'), s, 'div'), 1 / rows);
  return { loss, grad: grad.reshape(yPred.shape) };
}

/**
 * Integer labels (shape = prediction shape without the last axis, or with a last axis of 1),
 * checked, as a tensor of the prediction's shape without its last axis.
 */
export function sparseLabels(fn: string, labels: Tensor, predShape: readonly number[]): Tensor {
  const c = predShape[predShape.length - 1];
  const lead = predShape.slice(0, -1);
  const fits =
    (labels.rank === lead.length && labels.shape.every((d, i) => d === lead[i])) ||
    (labels.rank === predShape.length && labels.shape[labels.rank - 1] === 1 && lead.every((d, i) => d === labels.shape[i]));
  if (!fits) {
    throw new ShapeError(`${fn}: yTrue must hold one class index per row, shape ${formatShape(lead)} or ${formatShape([...lead, 1])}, received ${formatShape(labels.shape)}.`);
  }
  const bad = classIndexError(fn, 'yTrue', labels, c);
  if (bad) throw bad;
  return labels.reshape(lead);
}

/** Integer labels -> one-hot rows of the prediction's shape. */
export function oneHotLabels(fn: string, labels: Tensor, predShape: readonly number[]): Tensor {
  return ops.oneHot(sparseLabels(fn, labels, predShape), { depth: predShape[predShape.length - 1] });
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor): LossResult {
  return categoricalCrossentropy(oneHotLabels('sparseCategoricalCrossentropy', yTrue, yPred.shape), yPred);
}

export const LOSSES: Record<LossName, (yTrue: Tensor, yPred: Tensor) => LossResult> = {
  meanSquaredError,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
};

/** Loss values only, tfjs names: `losses.meanSquaredError(yTrue, yPred)`. */
export const losses = Object.fromEntries(
  LOSS_NAMES.map((name) => [name, (yTrue: Tensor, yPred: Tensor) => LOSSES[name](yTrue, yPred).loss]),
) as Record<LossName, (yTrue: Tensor, yPred: Tensor) => number>;

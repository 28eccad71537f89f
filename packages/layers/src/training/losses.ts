import { InvalidArgumentError, ShapeError, Tensor, formatShape } from '@batchwise/core';

/*
 * Losses with TensorFlow.js semantics, value and gradient together. Each
 * returns the mean of the per-sample losses and dLoss/dPrediction; sums run
 * in float64. Probabilities are clipped to [EPSILON, 1 - EPSILON] as tfjs
 * does, and the gradient is zero where the clip is active (as tf.clipByValue's).
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

function checkSameShape(fn: string, yTrue: Tensor, yPred: Tensor): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new ShapeError(`${fn}: yTrue must have the prediction's shape ${formatShape(yPred.shape)}, received ${formatShape(yTrue.shape)}.`);
  }
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('meanSquaredError', yTrue, yPred);
  const n = yPred.size;
  const grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = yPred.data[i] - yTrue.data[i];
    sum += d * d;
    grad[i] = (2 * d) / n;
  }
  // mean over the last axis, then over the samples: the mean over all elements.
  return { loss: sum / n, grad: new Tensor(grad, yPred.shape) };
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('binaryCrossentropy', yTrue, yPred);
  const n = yPred.size;
  const grad = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue.data[i];
    const raw = yPred.data[i];
    const p = Math.min(Math.max(raw, EPSILON), 1 - EPSILON);
    sum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    const inside = raw >= EPSILON && raw <= 1 - EPSILON;
    grad[i] = inside ? (p - t) / (p * (1 - p)) / n : 0;
  }
  return { loss: sum / n, grad: new Tensor(grad, yPred.shape) };
}

/** tfjs: p / sum(p) over the last axis, clip, then -sum(t * log p); mean over rows. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): LossResult {
  checkSameShape('categoricalCrossentropy', yTrue, yPred);
  const c = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / c;
  const grad = new Float32Array(yPred.size);
  const g = new Float64Array(c);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let s = 0;
    for (let j = 0; j < c; j++) s += yPred.data[o + j];
    let dot = 0;
    for (let j = 0; j < c; j++) {
      const q = yPred.data[o + j] / s;
      const qc = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
      const t = yTrue.data[o + j];
      total -= t * Math.log(qc);
      g[j] = q >= EPSILON && q <= 1 - EPSILON ? -t / qc : 0;
      dot += g[j] * q;
    }
    // Through the normalisation q = p / s: dL/dp_k = (g_k - sum_j g_j q_j) / s.
    for (let j = 0; j < c; j++) grad[o + j] = (g[j] - dot) / s / rows;
  }
  return { loss: total / rows, grad: new Tensor(grad, yPred.shape) };
}

/** Integer labels (shape = prediction shape without the last axis, or with a last axis of 1) -> one-hot. */
export function oneHotLabels(fn: string, labels: Tensor, predShape: readonly number[]): Tensor {
  const c = predShape[predShape.length - 1];
  const lead = predShape.slice(0, -1);
  const fits =
    (labels.rank === lead.length && labels.shape.every((d, i) => d === lead[i])) ||
    (labels.rank === predShape.length && labels.shape[labels.rank - 1] === 1 && lead.every((d, i) => d === labels.shape[i]));
  if (!fits) {
    throw new ShapeError(`${fn}: yTrue must hold one class index per row, shape ${formatShape(lead)} or ${formatShape([...lead, 1])}, received ${formatShape(labels.shape)}.`);
  }
  const out = new Float32Array(labels.size * c);
  for (let i = 0; i < labels.size; i++) {
    const k = labels.data[i];
    if (!Number.isInteger(k) || k < 0 || k >= c) {
      throw new InvalidArgumentError(`${fn}: yTrue[${i}] must be an integer class index in [0, ${c - 1}], received ${k}.`);
    }
    out[i * c + k] = 1;
  }
  return new Tensor(out, predShape);
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

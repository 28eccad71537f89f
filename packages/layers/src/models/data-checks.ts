import { InvalidArgumentError, ShapeError, Tensor, formatShape } from '@batchwise/core';
import { formatSymbolicShape, type SymbolicTensor } from '../engine/symbolic-tensor.js';
import { allFinite, readValues } from '../engine/values.js';

/** x as a list, one tensor per model input, each matching its input's shape (batch free). */
export function checkInputs(fn: string, inputs: SymbolicTensor[], x: unknown): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length !== inputs.length || !list.every((t) => t instanceof Tensor)) {
    throw new InvalidArgumentError(
      `${fn}: x must be ${inputs.length === 1 ? 'a tensor' : `a list of ${inputs.length} tensors`}, received ${list.map((t) => (t instanceof Tensor ? `a tensor of shape ${formatShape(t.shape)}` : String(t))).join(', ') || 'nothing'}.`,
    );
  }
  const tensors = list as Tensor[];
  tensors.forEach((t, i) => {
    const want = inputs[i].shape;
    const ok = t.rank === want.length && want.every((d, k) => d === null || d === t.shape[k]);
    if (!ok) {
      const name = inputs.length === 1 ? 'x' : `x[${i}]`;
      throw new ShapeError(`${fn}: ${name} must have shape ${formatSymbolicShape(want)} (input '${inputs[i].sourceLayer.name}'), received ${formatShape(t.shape)}.`);
    }
  });
  checkSameBatch(fn, tensors, null);
  return tensors;
}

/** All of x (and y) hold the same number of samples. */
export function checkSameBatch(fn: string, xs: Tensor[], y: Tensor | null): number {
  const n = xs[0].shape[0];
  for (const t of xs) {
    if (t.shape[0] !== n) throw new ShapeError(`${fn}: every input must hold the same number of samples ${n}, received ${formatShape(t.shape)}.`);
  }
  if (y !== null && (!(y instanceof Tensor) || y.shape[0] !== n)) {
    throw new ShapeError(`${fn}: y must be a tensor with ${n} samples (one per x sample), received ${y instanceof Tensor ? formatShape(y.shape) : String(y)}.`);
  }
  if (n === 0) throw new ShapeError(`${fn}: x must hold at least one sample, received 0.`);
  return n;
}

export function checkBatchSize(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(`${fn}: batchSize must be a positive integer, received ${String(v)}.`);
  }
  return v;
}

/** `[3,4,0]`: the position of a flat index inside one sample of this shape. */
function positionIn(flat: number, shape: readonly number[]): number[] {
  const at: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    at.unshift(flat % shape[k]);
    flat = Math.floor(flat / shape[k]);
  }
  return at;
}

/**
 * Every value of x is finite, checked before the first step: NaN or Infinity
 * in x made fit return `{ loss: [null] }` and predict return NaN, silently.
 * The message names the row (sample) and column (feature).
 */
export function checkFiniteInputs(fn: string, xs: Tensor[]): void {
  xs.forEach((t, i) => {
    // The check runs on the backend (max |x|); values are read only to name the first bad one.
    if (allFinite(t)) return;
    const data = readValues(t);
    const k = data.findIndex((v) => !Number.isFinite(v));
    const per = t.size / t.shape[0];
    const column = k % per;
    const where = t.rank > 2 ? ` (position ${formatShape(positionIn(column, t.shape.slice(1)))} of ${formatShape(t.shape.slice(1))})` : '';
    throw new InvalidArgumentError(`${fn}: ${xs.length === 1 ? 'x' : `x[${i}]`} row ${Math.floor(k / per)}, column ${column}${where} must be finite, received ${data[k]}.`);
  });
}

/** How far a one-hot or probability row may sum from 1: float32 label smoothing over many classes is off by ~1e-6. */
const ROW_SUM_TOLERANCE = 1e-3;

function describeRow(data: Float32Array, at: number, c: number): string {
  const shown = Array.from(data.subarray(at, at + Math.min(c, 12)));
  return `[${shown.join(',')}${c > 12 ? ',...' : ''}]`;
}

/**
 * y fits the loss (read once through engine/values: the targets are data handed in): finite values; class indices in [0, classes) for the
 * sparse loss (12, -1 or 2.5 for 10 classes used to count as wrong answers or
 * fail mid-training); rows that are one-hot, or probability distributions
 * (label smoothing), for categorical cross-entropy; values in [0, 1] for
 * binary cross-entropy. Errors name the row.
 */
export function checkTargets(fn: string, lossName: string, y: Tensor, outputShape: readonly (number | null)[]): void {
  const classes = outputShape[outputShape.length - 1] ?? 0;
  const data = readValues(y);
  const rowsPerSample = (n: number) => Math.max(1, n / y.shape[0]);
  if (lossName === 'sparseCategoricalCrossentropy') {
    const per = rowsPerSample(y.size);
    const k = data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
    if (k >= 0) {
      throw new InvalidArgumentError(`${fn}: y row ${Math.floor(k / per)} must be a class index in [0, ${classes - 1}] (sparseCategoricalCrossentropy, ${classes} classes), received ${data[k]}.`);
    }
    return;
  }
  const k = data.findIndex((v) => !Number.isFinite(v) || ((lossName === 'binaryCrossentropy' || lossName === 'categoricalCrossentropy') && (v < 0 || v > 1)));
  const c = y.shape[y.rank - 1] ?? 1;
  if (k >= 0) {
    const per = y.size / y.shape[0];
    const range = lossName === 'meanSquaredError' ? 'finite' : `in [0, 1] (${lossName})`;
    throw new InvalidArgumentError(`${fn}: y row ${Math.floor(k / per)}, column ${k % per} must be ${range}, received ${data[k]}.`);
  }
  if (lossName !== 'categoricalCrossentropy' || c < 1) return;
  const per = rowsPerSample(y.size / c);
  for (let r = 0; r * c < y.size; r++) {
    let sum = 0;
    for (let j = 0; j < c; j++) sum += data[r * c + j];
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new InvalidArgumentError(
        `${fn}: y row ${Math.floor(r / per)} must be one-hot (or probabilities summing to 1) over ${c} classes (categoricalCrossentropy), received ${describeRow(data, r * c, c)}.`,
      );
    }
  }
}

/** What to tell about non-finite outputs: the first weight that holds NaN or Infinity, if any. */
export function nonFiniteCause(weights: readonly { fullName: string; shape: readonly number[]; value: Tensor }[]): string {
  for (const w of weights) {
    if (allFinite(w.value)) continue;
    const data = readValues(w.value);
    const k = data.findIndex((v) => !Number.isFinite(v));
    return `weight '${w.fullName}' holds ${data[k]} at ${formatShape(positionIn(k, w.shape))}`;
  }
  return 'every weight is finite, so a value overflowed';
}

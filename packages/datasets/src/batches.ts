import { assertBoolean, assertPositiveInt, assertTensor, formatShape, InvalidArgumentError, Random, ShapeError, Tensor } from '@batchwise/core';
import { checkOptions } from './options.js';

/** The indices 0..n-1 in a seeded random order (Fisher-Yates via core's `Random`). */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const indices = Int32Array.from({ length: n }, (_, i) => i);
  new Random(seed).shuffle(indices);
  return indices;
}

/** Rows `indices` of `t` along axis 0, copied into a new tensor (any rank >= 1). */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  assertTensor('takeRows', 't', t);
  if (t.rank < 1) throw new ShapeError(`takeRows: t must have rank >= 1, received rank 0 (shape ${formatShape(t.shape)}).`);
  const n = t.shape[0];
  const row = n === 0 ? 0 : t.size / n;
  const out = new Float32Array(indices.length * row);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new InvalidArgumentError(`takeRows: indices[${i}] must be an integer in [0, ${n - 1}], received ${r}.`);
    }
    out.set(t.data.subarray(r * row, (r + 1) * row), i * row);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

export interface BatchOptions {
  /** Rows per batch (the last batch may be smaller unless `dropRemainder`). */
  batchSize: number;
  /** Shuffle the rows with this seed before batching; default: keep the order. */
  seed?: number;
  /** Drop a last batch smaller than `batchSize`; default false. */
  dropRemainder?: boolean;
}

/**
 * Cuts tensors that share their first dimension (e.g. images and one-hot
 * labels) into aligned batches: each step yields one batch per input tensor,
 * rows taken in the same (optionally seeded-shuffled) order. Arguments are
 * checked when called, not at the first `next()`.
 */
export function batches(tensors: readonly Tensor[], options: BatchOptions): Generator<Tensor[]> {
  const fn = 'batches';
  const o = checkOptions(fn, options, ['batchSize', 'seed', 'dropRemainder']);
  assertPositiveInt(fn, 'batchSize', o.batchSize);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new InvalidArgumentError(`${fn}: tensors must be a non-empty array of tensors.`);
  tensors.forEach((t, i) => assertTensor(fn, `tensors[${i}]`, t));
  const n = tensors[0].shape[0];
  tensors.forEach((t, i) => {
    if (t.rank < 1 || t.shape[0] !== n) {
      throw new ShapeError(`${fn}: tensors[${i}] must have ${n} rows like tensors[0], received shape ${formatShape(t.shape)}.`);
    }
  });
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed))) {
    throw new InvalidArgumentError(`${fn}: seed must be an integer, received ${String(o.seed)}.`);
  }
  if (o.dropRemainder !== undefined) assertBoolean(fn, 'dropRemainder', o.dropRemainder);
  const order = o.seed === undefined ? Int32Array.from({ length: n }, (_, i) => i) : shuffledIndices(n, o.seed as number);
  const end = o.dropRemainder === true ? n - (n % o.batchSize) : n;
  return generate(tensors, order, o.batchSize, end);
}

function* generate(tensors: readonly Tensor[], order: Int32Array, batchSize: number, end: number): Generator<Tensor[]> {
  for (let start = 0; start < end; start += batchSize) {
    const rows = order.subarray(start, Math.min(start + batchSize, end));
    yield tensors.map((t) => takeRows(t, rows));
  }
}

import { Random, Tensor } from '@batchwise/core';

/*
 * Mini-batches by row index. Each epoch's order is a permutation drawn from
 * `Random(seed + epoch)`, so a run resumed at (epoch, batch) sees exactly
 * the batches the uninterrupted run would have seen.
 */

export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Random(seed * 1000003 + epoch).shuffle(order);
  return order;
}

/** Rows `rows` of a tensor whose first axis is the example axis, copied into a new tensor. */
export function gatherRows(t: Tensor, rows: ArrayLike<number>): Tensor {
  const width = t.size / t.shape[0];
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(t.data.subarray(rows[i] * width, (rows[i] + 1) * width), i * width);
  return new Tensor(out, [rows.length, ...t.shape.slice(1)]);
}

/** Rows [start, end) without copying. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const width = t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * width, end * width), [end - start, ...t.shape.slice(1)]);
}

export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** Splits off the last `fraction` of the rows as validation (the datasets interleave classes, so both parts stay balanced). */
export function holdOut(x: Tensor, y: Tensor, fraction: number): { train: [Tensor, Tensor]; validation: [Tensor, Tensor] | null } {
  const n = x.shape[0];
  const nVal = Math.floor(n * fraction);
  if (nVal === 0 || nVal === n) return { train: [x, y], validation: null };
  return {
    train: [sliceRows(x, 0, n - nVal), sliceRows(y, 0, n - nVal)],
    validation: [sliceRows(x, n - nVal, n), sliceRows(y, n - nVal, n)],
  };
}

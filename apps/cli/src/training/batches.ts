import { Tensor } from '@batchwise/core';

/** Rows [start, end) of a tensor whose first axis is the example axis, without copying. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const width = t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * width, end * width), [end - start, ...t.shape.slice(1)]);
}

export function batchCount(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

import { keep, ops, zeros, type Tensor } from '@batchwise/core';

/*
 * Data movement between batches and layers, on the backend's gather, concat
 * and assign kernels: exact copies, no arithmetic.
 */

/** 0, 1, ..., n-1 from `start`. */
function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}

/** Rows `indices` of the first axis, in that order. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  return ops.gather(t, indices instanceof Int32Array ? indices : Int32Array.from(indices), { axis: 0 });
}

/** Rows [start, end) of the first axis (a copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  return ops.gather(t, range(start, end), { axis: 0 });
}

/** Stacks tensors of equal trailing shape along the first axis. */
export function concatRows(parts: Tensor[]): Tensor {
  return ops.concat(parts, { axis: 0 });
}

/** Concatenation along `axis` (non-negative); all other dimensions equal. */
export function concatAxis(parts: Tensor[], axis: number): Tensor {
  return ops.concat(parts, { axis });
}

/** The inverse of concatAxis: pieces of `t` along `axis` with the given sizes. */
export function splitAxis(t: Tensor, sizes: number[], axis: number): Tensor[] {
  let start = 0;
  return sizes.map((size) => {
    start += size;
    return ops.gather(t, range(start - size, start), { axis });
  });
}

/**
 * An exact copy of t that no tidy scope releases, made by the active backend
 * (a one-part concat, kept), so a backend with memory of its own (wasm) need
 * not move a JavaScript array in for every copy, as a training step's saved
 * batch-norm statistics were. A rank-0 tensor is copied into zeros.
 */
export function copyOf(t: Tensor): Tensor {
  if (t.rank > 0) return keep(ops.concat([t], { axis: 0 }));
  const out = zeros(t.shape);
  ops.assign(out, t);
  return out;
}

import { Tensor, outputBuffer, sizeOf } from '@batchwise/core';

/*
 * Data movement the Backend interface has no kernel for (batch slicing,
 * concatenation, one-hot labels). These copy values and compute nothing, so
 * they are written once here on the typed arrays rather than per backend.
 */

/** `n` floats from core's pool, for a copy that overwrites all of them (recycled memory is stale). */
function copyTarget(n: number): Float32Array {
  return new Float32Array(outputBuffer(n * 4, (bytes) => new ArrayBuffer(bytes)).buffer);
}

/** Rows `indices` of the first axis, in that order. */
export function gatherRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const out = copyTarget(indices.length * row);
  for (let i = 0; i < indices.length; i++) out.set(t.data.subarray(indices[i] * row, (indices[i] + 1) * row), i * row);
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

/** Rows [start, end) of the first axis (a copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const out = copyTarget((end - start) * row);
  out.set(t.data.subarray(start * row, end * row));
  return new Tensor(out, [end - start, ...t.shape.slice(1)]);
}

/** Stacks tensors of equal trailing shape along the first axis. */
export function concatRows(parts: Tensor[]): Tensor {
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  const out = new Float32Array(parts.reduce((n, p) => n + p.size, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p.data, offset);
    offset += p.size;
  }
  return new Tensor(out, [rows, ...parts[0].shape.slice(1)]);
}

/** Concatenation along `axis` (non-negative); all other dimensions equal. */
export function concatAxis(parts: Tensor[], axis: number): Tensor {
  const outer = sizeOf(parts[0].shape.slice(0, axis));
  const blocks = parts.map((p) => sizeOf(p.shape.slice(axis)));
  const total = blocks.reduce((a, b) => a + b, 0);
  const out = new Float32Array(outer * total);
  for (let o = 0; o < outer; o++) {
    let offset = o * total;
    parts.forEach((p, i) => {
      out.set(p.data.subarray(o * blocks[i], (o + 1) * blocks[i]), offset);
      offset += blocks[i];
    });
  }
  const shape = [...parts[0].shape];
  shape[axis] = parts.reduce((n, p) => n + p.shape[axis], 0);
  return new Tensor(out, shape);
}

/** The inverse of concatAxis: pieces of `t` along `axis` with the given sizes. */
export function splitAxis(t: Tensor, sizes: number[], axis: number): Tensor[] {
  const outer = sizeOf(t.shape.slice(0, axis));
  const inner = sizeOf(t.shape.slice(axis + 1));
  const total = t.shape[axis] * inner;
  let start = 0;
  return sizes.map((size) => {
    const block = size * inner;
    const out = new Float32Array(outer * block);
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * total + start, o * total + start + block), o * block);
    start += block;
    const shape = [...t.shape];
    shape[axis] = size;
    return new Tensor(out, shape);
  });
}

/** Repeats a per-feature vector [C] over every row of `shape` (last axis C). */
export function tileLastAxis(v: Tensor, shape: readonly number[]): Tensor {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i += v.size) out.set(v.data, i);
  return new Tensor(out, shape);
}

import { makeTensor, normalizeAxis, outputBuffer, sizeOf, type ConcatOptions, type GatherOptions, type Tensor } from '@batchwise/core';

/*
 * Copies that compute nothing: gather, concat, assign. Each views its tensors
 * as [outer, n, inner] around the axis and moves contiguous runs of
 * n * inner or inner floats with TypedArray.set.
 */

/** `n` floats from core's pool, for a copy that overwrites all of them (recycled memory is stale, so no zero fill is needed). */
function copyTarget(n: number): Float32Array {
  return new Float32Array(outputBuffer(n * 4, (bytes) => new ArrayBuffer(bytes)).buffer);
}

/** out[o, i, :] = x[o, indices[i], :] for x viewed as [outer, n, inner]. */
export function gatherImpl(x: Float32Array, indices: Int32Array, n: number, inner: number, out: Float32Array): void {
  const k = indices.length;
  const outer = n * inner === 0 ? 0 : x.length / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < k; i++) {
      const from = (o * n + indices[i]) * inner;
      out.set(x.subarray(from, from + inner), (o * k + i) * inner);
    }
  }
}

/** The `gather` kernel. */
export function gather(x: Tensor, indices: Int32Array, options: GatherOptions): Tensor {
  const axis = normalizeAxis(options.axis, x.rank);
  const shape = [...x.shape];
  shape[axis] = indices.length;
  const out = copyTarget(sizeOf(shape));
  gatherImpl(x.data, indices, x.shape[axis], sizeOf(x.shape.slice(axis + 1)), out);
  return makeTensor(out, shape);
}

/** Joins parts viewed as [outer, block_i] into out viewed as [outer, sum of blocks]. */
export function concatImpl(parts: readonly Float32Array[], blocks: readonly number[], outer: number, out: Float32Array): void {
  const total = blocks.reduce((a, b) => a + b, 0);
  for (let o = 0; o < outer; o++) {
    let at = o * total;
    parts.forEach((p, i) => {
      out.set(p.subarray(o * blocks[i], (o + 1) * blocks[i]), at);
      at += blocks[i];
    });
  }
}

/** The `concat` kernel. */
export function concat(tensors: readonly Tensor[], options: ConcatOptions): Tensor {
  const first = tensors[0];
  const axis = normalizeAxis(options.axis, first.rank);
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((n, t) => n + t.shape[axis], 0);
  const out = copyTarget(sizeOf(shape));
  concatImpl(tensors.map((t) => t.data), tensors.map((t) => sizeOf(t.shape.slice(axis))), sizeOf(first.shape.slice(0, axis)), out);
  return makeTensor(out, shape);
}

/** The `assign` kernel: copies source into target's memory. */
export function assign(target: Tensor, source: Tensor): void {
  target.data.set(source.data);
}

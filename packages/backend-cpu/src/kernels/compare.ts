import { makeTensor, outputFloat32, type OneHotOptions, type Tensor } from '@batchwise/core';

/* Comparisons, as 0/1 float32 tensors (batchwise has no boolean dtype), and one-hot rows. */

/** out = a == b ? 1 : 0 (NaN equals nothing). */
export function equalImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] === b[i] ? 1 : 0;
}

/** out = a > b ? 1 : 0 (false whenever a NaN is involved). */
export function greaterImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] > b[i] ? 1 : 0;
}

/** out (zeroed, indices.length x depth) gets a 1 at each row's index; indices are valid class indices. */
export function oneHotImpl(indices: Float32Array, depth: number, out: Float32Array): void {
  for (let i = 0; i < indices.length; i++) out[i * depth + indices[i]] = 1;
}

/** The `equal` kernel: 1 where a == b. */
export function equal(a: Tensor, b: Tensor): Tensor {
  const out = outputFloat32(a.size);
  equalImpl(a.data, b.data, out);
  return makeTensor(out, a.shape);
}

/** The `greater` kernel: 1 where a > b. */
export function greater(a: Tensor, b: Tensor): Tensor {
  const out = outputFloat32(a.size);
  greaterImpl(a.data, b.data, out);
  return makeTensor(out, a.shape);
}

/** The `oneHot` kernel: shape [...indices.shape, depth]. */
export function oneHot(indices: Tensor, options: OneHotOptions): Tensor {
  const out = outputFloat32(indices.size * options.depth);
  oneHotImpl(indices.data, options.depth, out);
  return makeTensor(out, [...indices.shape, options.depth]);
}

import { makeTensor, normalizeAxis, outputFloat32, sizeOf, type BroadcastBinaryOp, type BroadcastBinaryOptions, type Tensor } from '@batchwise/core';

/*
 * x op v with the vector v running along one axis of x. x is viewed as
 * [outer, n, inner] (n = x.shape[axis]); v[j] meets every element of the
 * middle index j. One float32 operation per element, as the same-shape kernels.
 */

/** out = x op v, x viewed as blocks of [n, inner] and v of length n. */
export function broadcastBinaryImpl(op: BroadcastBinaryOp, x: Float32Array, v: Float32Array, n: number, inner: number, out: Float32Array): void {
  const block = n * inner;
  for (let base = 0; base < x.length; base += block) {
    for (let j = 0, i0 = base; j < n; j++, i0 += inner) {
      const s = v[j];
      const i1 = i0 + inner;
      // One loop per op: a shared loop over a callback turns megamorphic in V8.
      switch (op) {
        case 'add': for (let i = i0; i < i1; i++) out[i] = x[i] + s; break;
        case 'sub': for (let i = i0; i < i1; i++) out[i] = x[i] - s; break;
        case 'mul': for (let i = i0; i < i1; i++) out[i] = x[i] * s; break;
        case 'div': for (let i = i0; i < i1; i++) out[i] = x[i] / s; break;
      }
    }
  }
}

/** The `broadcastBinary` kernel. */
export function broadcastBinary(x: Tensor, v: Tensor, options: BroadcastBinaryOptions): Tensor {
  const axis = normalizeAxis(options.axis, x.rank);
  const out = outputFloat32(x.size);
  broadcastBinaryImpl(options.op, x.data, v.data, x.shape[axis], sizeOf(x.shape.slice(axis + 1)), out);
  return makeTensor(out, x.shape);
}

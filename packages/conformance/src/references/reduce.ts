import { array64, sizeOfShape, stridesOfShape, type Array64 } from './array64.js';

/* Reductions over a set of axes (all when omitted), accumulated in float64. */

export type ReduceName = 'sum' | 'mean' | 'max';

export function refReduce(name: ReduceName, x: Array64, axes?: readonly number[], keepDims = false): Array64 {
  const rank = x.shape.length;
  const reduced = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a)));
  const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => !reduced.has(i));
  const outStrides = stridesOfShape(keptShape);
  const acc = new Float64Array(sizeOfShape(keptShape)).fill(name === 'max' ? -Infinity : 0);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) if (!reduced.has(d)) o += idx[d] * outStrides[d];
    acc[o] = name === 'max' ? Math.max(acc[o], x.data[i]) : acc[o] + x.data[i];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < x.shape[d]) break;
      idx[d] = 0;
    }
  }
  if (name === 'mean') {
    let count = 1;
    for (const a of reduced) count *= x.shape[a];
    for (let i = 0; i < acc.length; i++) acc[i] /= count;
  }
  return array64(outShape, acc);
}

/** Index of the maximum along the last axis, first on ties. */
export function refArgMax(x: Array64): Array64 {
  const last = x.shape[x.shape.length - 1];
  const rows = x.data.length / last;
  const out = array64(x.shape.slice(0, -1));
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < last; c++) if (x.data[r * last + c] > x.data[r * last + best]) best = c;
    out.data[r] = best;
  }
  return out;
}

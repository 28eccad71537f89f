import { array64, sizeOfShape, type Array64 } from './array64.js';

/*
 * References of the broadcasting, data-movement and layer-state kernels:
 * naive index arithmetic on full coordinates, one float64 operation per
 * element. Negative axes are resolved here too, not with core's helper.
 */

export type BroadcastOpName = 'add' | 'sub' | 'mul' | 'div';

const ARITHMETIC: Record<BroadcastOpName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

const resolve = (axis: number, rank: number): number => (axis < 0 ? rank + axis : axis);

/** The coordinate of flat index i along `axis` of `shape`. */
function coordinate(i: number, shape: readonly number[], axis: number): number {
  let inner = 1;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k];
  return Math.floor(i / inner) % shape[axis];
}

export function refBroadcastBinary(op: BroadcastOpName, x: Array64, v: Array64, axis: number): Array64 {
  const a = resolve(axis, x.shape.length);
  const f = ARITHMETIC[op];
  return array64(x.shape, x.data.map((value, i) => f(value, v.data[coordinate(i, x.shape, a)])));
}

export const refEqual = (a: Array64, b: Array64): Array64 => array64(a.shape, a.data.map((v, i) => (v === b.data[i] ? 1 : 0)));
export const refGreater = (a: Array64, b: Array64): Array64 => array64(a.shape, a.data.map((v, i) => (v > b.data[i] ? 1 : 0)));

/** Splits a flat index into [outer, middle, inner] around `axis`. */
function around(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: sizeOfShape(shape.slice(0, axis)), inner: sizeOfShape(shape.slice(axis + 1)) };
}

export function refGather(x: Array64, indices: ArrayLike<number>, axis: number): Array64 {
  const a = resolve(axis, x.shape.length);
  const shape = [...x.shape];
  shape[a] = indices.length;
  const out = array64(shape);
  const { inner } = around(x.shape, a);
  for (let i = 0; i < out.data.length; i++) {
    const o = Math.floor(i / (indices.length * inner));
    const k = coordinate(i, shape, a);
    const r = i % inner;
    out.data[i] = x.data[(o * x.shape[a] + indices[k]) * inner + r];
  }
  return out;
}

export function refConcat(parts: readonly Array64[], axis: number): Array64 {
  const a = resolve(axis, parts[0].shape.length);
  const shape = [...parts[0].shape];
  shape[a] = parts.reduce((n, p) => n + p.shape[a], 0);
  const out = array64(shape);
  const { inner } = around(shape, a);
  for (let i = 0; i < out.data.length; i++) {
    const o = Math.floor(i / (shape[a] * inner));
    let k = coordinate(i, shape, a);
    const r = i % inner;
    let p = 0;
    while (k >= parts[p].shape[a]) k -= parts[p++].shape[a];
    out.data[i] = parts[p].data[(o * parts[p].shape[a] + k) * inner + r];
  }
  return out;
}

export function refOneHot(indices: Array64, depth: number): Array64 {
  const out = array64([...indices.shape, depth]);
  for (let i = 0; i < out.data.length; i++) out.data[i] = indices.data[Math.floor(i / depth)] === i % depth ? 1 : 0;
  return out;
}

/** alpha*x + beta*y, elementwise in float64 (a new array; the kernel writes it into y). */
export function refAxpby(y: Array64, x: Array64, alpha: number, beta: number): Array64 {
  return array64(y.shape, y.data.map((v, i) => alpha * x.data[i] + beta * v));
}

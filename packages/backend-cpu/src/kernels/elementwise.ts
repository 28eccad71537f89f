import { makeTensor, outputFloat32, type Tensor } from '@batchwise/core';

/*
 * Elementwise ops on same-shape tensors. Each op has its own loop instead of
 * one loop taking a callback: a shared loop called with many callbacks turns
 * megamorphic in V8 and stops inlining them.
 */

/** out = a + b. */
export function addImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
}
/** out = a - b. */
export function subImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
}
/** out = a * b. */
export function mulImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
}
/** out = a / b (IEEE: x/0 is ±Infinity, 0/0 NaN). */
export function divImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] / b[i];
}
/** Math.max semantics: NaN in either input gives NaN. */
export function maximumImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.max(a[i], b[i]);
}
/** Math.min semantics: NaN in either input gives NaN. */
export function minimumImpl(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.min(a[i], b[i]);
}
/** out = x + s. */
export function addScalarImpl(x: Float32Array, s: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] + s;
}
/** out = x * s. */
export function mulScalarImpl(x: Float32Array, s: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] * s;
}
/** out = -x. */
export function negImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = -x[i];
}
/** out = |x|. */
export function absImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.abs(x[i]);
}
/** out = e^x. */
export function expImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(x[i]);
}
/** out = ln x (ln 0 = -Infinity, negative gives NaN). */
export function logImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i]);
}
/** out = sqrt x (negative gives NaN). */
export function sqrtImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i]);
}
/** out = x^2. */
export function squareImpl(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v * v;
  }
}
/** min(max(x, lo), hi); NaN stays NaN. */
export function clipImpl(x: Float32Array, lo: number, hi: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

type BinaryImpl = (a: Float32Array, b: Float32Array, out: Float32Array) => void;
type UnaryImpl = (x: Float32Array, out: Float32Array) => void;

function binary(impl: BinaryImpl, a: Tensor, b: Tensor): Tensor {
  const out = outputFloat32(a.size);
  impl(a.data, b.data, out);
  return makeTensor(out, a.shape);
}

function unary(impl: UnaryImpl, x: Tensor): Tensor {
  const out = outputFloat32(x.size);
  impl(x.data, out);
  return makeTensor(out, x.shape);
}

/** The `add` kernel: a + b, same shapes. */
export const add = (a: Tensor, b: Tensor): Tensor => binary(addImpl, a, b);
/** The `sub` kernel: a - b, same shapes. */
export const sub = (a: Tensor, b: Tensor): Tensor => binary(subImpl, a, b);
/** The `mul` kernel: a * b, same shapes. */
export const mul = (a: Tensor, b: Tensor): Tensor => binary(mulImpl, a, b);
/** The `div` kernel: a / b, same shapes. */
export const div = (a: Tensor, b: Tensor): Tensor => binary(divImpl, a, b);
/** The `maximum` kernel, elementwise. */
export const maximum = (a: Tensor, b: Tensor): Tensor => binary(maximumImpl, a, b);
/** The `minimum` kernel, elementwise. */
export const minimum = (a: Tensor, b: Tensor): Tensor => binary(minimumImpl, a, b);
/** The `neg` kernel. */
export const neg = (x: Tensor): Tensor => unary(negImpl, x);
/** The `abs` kernel. */
export const abs = (x: Tensor): Tensor => unary(absImpl, x);
/** The `exp` kernel. */
export const exp = (x: Tensor): Tensor => unary(expImpl, x);
/** The `log` kernel. */
export const log = (x: Tensor): Tensor => unary(logImpl, x);
/** The `sqrt` kernel. */
export const sqrt = (x: Tensor): Tensor => unary(sqrtImpl, x);
/** The `square` kernel. */
export const square = (x: Tensor): Tensor => unary(squareImpl, x);

/** The `addScalar` kernel: x + s. */
export function addScalar(x: Tensor, s: number): Tensor {
  const out = outputFloat32(x.size);
  addScalarImpl(x.data, s, out);
  return makeTensor(out, x.shape);
}

/** The `mulScalar` kernel: x * s. */
export function mulScalar(x: Tensor, s: number): Tensor {
  const out = outputFloat32(x.size);
  mulScalarImpl(x.data, s, out);
  return makeTensor(out, x.shape);
}

/** The `clip` kernel: x bounded to [min, max]. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  const out = outputFloat32(x.size);
  clipImpl(x.data, min, max, out);
  return makeTensor(out, x.shape);
}

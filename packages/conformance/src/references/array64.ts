import type { Tensor } from '@batchwise/core';

/*
 * The references compute in float64 on plain arrays. They are deliberately
 * naive loops and share no code with any backend (nor with core's geometry
 * helpers): a bug copied into both sides would pass unseen.
 */

/** A float64 array with a row-major shape. */
export interface Array64 {
  data: Float64Array;
  shape: number[];
}

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function array64(shape: readonly number[], data?: ArrayLike<number>): Array64 {
  const out = new Float64Array(sizeOfShape(shape));
  if (data) out.set(data);
  return { data: out, shape: [...shape] };
}

/** The float64 view of a float32 tensor (every float32 is exact in float64). */
export function fromTensor(t: Tensor): Array64 {
  return array64(t.shape, t.data);
}

/** Row-major strides in elements. */
export function stridesOfShape(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** rows x channels view where channels is the last axis (NHWC, [batch, units]). */
export function lastAxisRows(shape: readonly number[]): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  return { rows: sizeOfShape(shape) / channels, channels };
}

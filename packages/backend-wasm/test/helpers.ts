import { randomNormal, type MaxPoolOptions, type Shape, type Tensor } from '@batchwise/core';

export function randn(shape: Shape, seed: number, stddev = 1, mean = 0): Tensor {
  return randomNormal(shape, { seed, stddev, mean });
}

export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ia = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ia.length; i++) if (ia[i] !== ib[i]) return false;
  return true;
}

/** Whole 2x2 windows at stride 2, 'valid': the pooling of the models, and the shape the max-pool fast rows take. */
export const POOL_2X2: MaxPoolOptions = Object.freeze({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const);

/** The bits of a negative quiet NaN with a payload: a kernel that passes the element on keeps them, one that makes its own NaN does not. */
export const NAN_WITH_PAYLOAD = 0xffc00001;

/** Writes NAN_WITH_PAYLOAD at each of `indices` of `x`. */
export function plantNaNs(x: Float32Array, indices: Iterable<number>): void {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (const i of indices) bits[i] = NAN_WITH_PAYLOAD;
}

/** Which special values `x` holds: a test input built to exercise them must be seen to hold them. */
export function specialsIn(x: Float32Array): { nan: boolean; infinity: boolean; negativeInfinity: boolean; negativeZero: boolean; positiveZero: boolean } {
  return {
    nan: x.some((v) => Number.isNaN(v)),
    infinity: x.includes(Infinity),
    negativeInfinity: x.includes(-Infinity),
    negativeZero: x.some((v) => Object.is(v, -0)),
    positiveZero: x.some((v) => Object.is(v, 0)),
  };
}

import { randomNormal, type Shape, type Tensor } from '@batchwise/core';

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

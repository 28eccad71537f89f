import { createCpuBackend } from '@batchwise/backend-cpu';
import { randomNormal, Tensor, type Backend, type Shape } from '@batchwise/core';
import { expect } from 'vitest';
import { createNativeBackend } from '../src/index.js';

export const native: Backend = createNativeBackend();
export const cpu: Backend = createCpuBackend();

/**
 * float32 against float32 with different summation orders (blocked GEMM, FMA,
 * chunked float64 sums): relative error grows like sqrt(K) * 2^-24, so 1e-4
 * relative plus 1e-5 absolute for near-zero results covers K up to ~10^4.
 */
export const RTOL = 1e-4;
export const ATOL = 1e-5;

export function randn(shape: Shape, seed: number, stddev = 1, mean = 0): Tensor {
  return randomNormal(shape, { seed, stddev, mean });
}

/** |a-e| <= atol + rtol*|e| everywhere; NaN matches only NaN here (both backends must agree). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, rtol = RTOL, atol = ATOL): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!Number.isFinite(e) && a === e) continue;
    const err = Math.abs(a - e);
    const ok = err <= atol + rtol * Math.abs(e);
    if (!ok && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label}: worst index ${worst}, expected ${expected[worst]}, received ${actual[worst]}, error ${worstErr}`);
  }
}

export function expectTensorClose(actual: Tensor, expected: Tensor, label: string, rtol = RTOL, atol = ATOL): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expectClose(actual.data, expected.data, label, rtol, atol);
}

export function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ia = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ia.length; i++) if (ia[i] !== ib[i]) return false;
  return true;
}

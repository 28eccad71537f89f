import { Random, tensor, type Tensor } from '@batchwise/core';
import { expect } from 'vitest';

/*
 * Test helpers: seeded data and an elementwise closeness check that reports
 * the worst index. References in the tests are naive float64 loops written
 * independently of the kernels (their own index math and padding).
 */

/** float32 kernels vs float64 references over sums of up to a few hundred terms. */
export const RTOL = 1e-5;
export const ATOL = 1e-5;

export function randomValues(n: number, seed: number, low = -1, high = 1): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(low, high);
  return out;
}

export function randomTensor(shape: number[], seed: number, low = -1, high = 1): Tensor {
  return tensor(randomValues(shape.reduce((p, d) => p * d, 1), seed, low, high), shape);
}

/** |a - e| <= atol + rtol*|e| everywhere; NaN never matches, infinities only themselves. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = ATOL, rtol = RTOL): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= atol + rtol * Math.abs(e) : a === e;
    const err = Number.isFinite(e) ? Math.abs(a - e) : ok ? 0 : Infinity;
    if (!ok && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    expect.fail(`worst index ${worst}: expected ${expected[worst]}, received ${actual[worst]} (error ${worstErr})`);
  }
}

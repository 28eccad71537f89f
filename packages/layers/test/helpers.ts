import '@batchwise/backend-cpu';
import { Tensor, randomNormal, setBackend, type Shape } from '@batchwise/core';
import { expect } from 'vitest';

setBackend('cpu');

export function randn(shape: Shape, seed: number, mean = 0, stddev = 1): Tensor {
  return randomNormal(shape, { seed, mean, stddev });
}

/** Largest |a - b| over two arrays of equal length (NaN counts as Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/** |a - e| <= atol + rtol*|e| everywhere; the message names the label, worst index and values. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: { atol: number; rtol?: number }, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const rtol = tol.rtol ?? 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= tol.atol + rtol * Math.abs(e) : Object.is(a, e);
    if (!ok) {
      throw new Error(`${label}: index ${i}: expected ${e}, received ${a} (|diff| ${Math.abs(a - e)}, max error ${maxAbsDiff(actual, expected)})`);
    }
  }
}

/** Float64 per-feature mean and biased variance of rows x features data. */
export function moments64(data: ArrayLike<number>, rows: number, features: number, index = (r: number, j: number) => r * features + j) {
  const mean = new Float64Array(features);
  const variance = new Float64Array(features);
  for (let j = 0; j < features; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[index(r, j)];
    mean[j] = s / rows;
    let q = 0;
    for (let r = 0; r < rows; r++) q += (data[index(r, j)] - mean[j]) ** 2;
    variance[j] = q / rows;
  }
  return { mean, variance };
}

import { dispose, ops, setBackend, tensor, tidy, zeros } from '@batchwise/core';
import '@batchwise/backend-cpu';
import { describe, expect, it } from 'vitest';
import { FINITE_SCAN_BELOW, allEqual, allFinite } from '../src/engine/values.js';

/*
 * allFinite reads small tensors in JavaScript and scans large ones on the
 * backend (their sum, then max |t| when the sum is not finite): both must give
 * the same answer for every kind of value at every position.
 */

function withValue(size: number, at: number, v: number) {
  const t = zeros([size]);
  t.data[at] = v;
  return t;
}

describe('allFinite', () => {
  setBackend('cpu');
  // 8 and FINITE_SCAN_BELOW - 4: whole groups of four, no tail.
  const sizes = [1, 7, 8, FINITE_SCAN_BELOW - 4, FINITE_SCAN_BELOW - 1, FINITE_SCAN_BELOW, FINITE_SCAN_BELOW + 5];

  it('agrees with the kernel scan on NaN, Infinity, -Infinity and large finite values, at the first positions and the last', () => {
    for (const size of sizes) {
      for (const v of [Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, -0]) {
        // 1, 2 and 3 too: the scan sums in four interleaved lanes, then a tail.
        for (const at of [0, 1, 2, 3, size - 1].filter((k) => k < size)) {
          const t = withValue(size, at, v);
          const kernel = tidy(() => Number.isFinite(ops.max(ops.abs(t)).data[0]));
          expect(allFinite(t), `size ${size}, ${v} at ${at}`).toBe(kernel);
          expect(allFinite(t)).toBe(Number.isFinite(v));
        }
      }
    }
  });

  it('is true for finite values whose sum overflows, false for opposite infinities that sum to NaN', () => {
    const size = FINITE_SCAN_BELOW + 5;
    const big = zeros([size]);
    big.data.fill(3.4e38, 0, 4);
    big.data.fill(-3e38, size - 2);
    expect(tidy(() => ops.sum(big).data[0])).toBe(Infinity);
    expect(allFinite(big)).toBe(true);
    const opposite = withValue(size, 1, Infinity);
    opposite.data[size - 1] = -Infinity;
    expect(allFinite(opposite)).toBe(false);
  });

  it('is true for an empty tensor', () => {
    expect(allFinite(zeros([0, 3]))).toBe(true);
  });

  it('names a released tensor through the kernels instead of calling it finite', () => {
    const small = tidy(() => ops.relu(tensor([1, 2, 3])));
    const large = tidy(() => ops.relu(zeros([FINITE_SCAN_BELOW + 1])));
    dispose([small, large]);
    // A small cpu output is not pooled (its memory cannot be released); a large one is.
    expect(allFinite(small)).toBe(true);
    expect(() => allFinite(large)).toThrow(/disposed|released/);
  });
});

describe('a released tensor read directly', () => {
  /** A small tensor whose memory went away (detached, as core's pool does to a released buffer). */
  function released() {
    const t = tensor([1, 2, 3]);
    structuredClone(t.data.buffer, { transfer: [t.data.buffer] });
    return t;
  }

  it('is named by the kernels, never called finite or equal on its empty data', () => {
    expect(() => allFinite(released())).toThrow(/disposed/);
    expect(() => allEqual(released(), 1)).toThrow(/disposed/);
  });
});

describe('allEqual', () => {
  it('compares as float32, and NaN equals nothing', () => {
    expect(allEqual(tensor([0.1, 0.1]), 0.1)).toBe(true);
    expect(allEqual(tensor([0.1, 0.2]), 0.1)).toBe(false);
    expect(allEqual(tensor([-0, 0]), 0)).toBe(true);
    expect(allEqual(tensor([Number.NaN]), Number.NaN)).toBe(false);
    expect(allEqual(tensor([1, 1, 1]), 1)).toBe(true);
  });
});

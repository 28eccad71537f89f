import { describe, expect, it } from 'vitest';
import { accumulated, ATOL_PER_TERM, compareArrays, isClose, unravel } from '../src/tolerance.js';

describe('tolerance', () => {
  const tol = { atol: 1e-6, rtol: 1e-3 };

  it('is |a - e| <= atol + rtol * |e|', () => {
    expect(isClose(1.001, 1, tol)).toBe(true);
    expect(isClose(1.0012, 1, tol)).toBe(false);
    expect(isClose(1e-6, 0, tol)).toBe(true);
    expect(isClose(2e-6, 0, tol)).toBe(false);
  });

  it('never matches NaN, and matches infinities only with themselves', () => {
    expect(isClose(NaN, NaN, tol)).toBe(false);
    expect(isClose(1, NaN, tol)).toBe(false);
    expect(isClose(Infinity, Infinity, tol)).toBe(true);
    expect(isClose(-Infinity, -Infinity, tol)).toBe(true);
    expect(isClose(Infinity, -Infinity, tol)).toBe(false);
    expect(isClose(3.4e38, Infinity, tol)).toBe(false);
    expect(isClose(Infinity, 3.4e38, { atol: Infinity, rtol: 0 })).toBe(false);
  });

  it('rounds the expected side to float32 first (exp(100) overflows in float32)', () => {
    expect(compareArrays([Math.exp(100)], [Infinity], tol).pass).toBe(true);
    expect(compareArrays([Math.exp(100)], [Infinity], tol, false).pass).toBe(false);
  });

  it('points at the worst failing element with expected and received', () => {
    const c = compareArrays([1, 2, 3, 4], [1, 2.5, 3, 4.1], { atol: 0.2, rtol: 0 });
    expect(c).toMatchObject({ pass: false, worstIndex: 1, expected: 2, received: 2.5 });
    expect(c.maxError).toBeCloseTo(0.5, 12);
  });

  it('reports the largest error when everything passes, and a NaN as an infinite error', () => {
    expect(compareArrays([1, 2], [1.1, 2], { atol: 0.2, rtol: 0 })).toMatchObject({ pass: true, worstIndex: 0 });
    expect(compareArrays([1, 2], [1, NaN], tol)).toMatchObject({ pass: false, worstIndex: 1, maxError: Infinity });
  });

  it('fails on a length mismatch', () => {
    expect(compareArrays([1, 2], [1], tol)).toMatchObject({ pass: false, lengthMismatch: { expected: 2, received: 1 } });
  });

  it('grows the accumulated tolerance with the number of terms', () => {
    expect(accumulated(1000).atol).toBeCloseTo(1000 * ATOL_PER_TERM, 15);
    expect(accumulated(1).atol).toBe(1e-6);
  });

  it('unravels flat indices row-major', () => {
    expect(unravel(37, [2, 3, 4, 2])).toEqual([1, 1, 2, 1]);
  });
});

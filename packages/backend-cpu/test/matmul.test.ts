import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createGemmWorkspace, gemm, GEMM_BLOCKING, matMul } from '../src/kernels/matmul.js';
import { expectClose, randomValues } from './support.js';

/** C = op(A) op(B) in float64, reading A as [m,k] or [k,m] and B as [k,n] or [n,k]. */
function naive(m: number, n: number, k: number, a: Float32Array, ta: boolean, b: Float32Array, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

// Sizes straddle the 4x4 register tile, the 64-row A block, the 256-deep K block and the 512-column B block.
const SIZES: [string, number, number, number][] = [
  ['1x1x1', 1, 1, 1],
  ['odd 5x7x3', 5, 7, 3],
  ['tile edges 67x33x129', 67, 33, 129],
  ['deep k 9x6x300', 9, 6, 300],
  ['wide n 3x517x5', 3, 517, 5],
  ['vector 1x40x13', 1, 40, 13],
];

describe('gemm', () => {
  for (const [name, m, n, k] of SIZES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${name} transposeA=${ta} transposeB=${tb}`, () => {
          const a = randomValues(m * k, 1);
          const b = randomValues(k * n, 2);
          const c = new Float32Array(m * n).fill(99); // must be overwritten
          gemm({ m, n, k, a, transposeA: ta, b, transposeB: tb, c });
          expectClose(c, naive(m, n, k, a, ta, b, tb), 1e-5, 1e-5);
        });
      }
    }
  }

  it('accumulates into C with offsets and a reused workspace', () => {
    const [m, n, k] = [6, 5, 7];
    const a = randomValues(3 + m * k, 3);
    const b = randomValues(2 + k * n, 4);
    const c = new Float32Array(1 + m * n).fill(1);
    const ws = createGemmWorkspace();
    gemm({ m, n, k, a, aOffset: 3, b, bOffset: 2, c, cOffset: 1, accumulate: true }, ws);
    gemm({ m, n, k, a, aOffset: 3, b, bOffset: 2, c, cOffset: 1, accumulate: true }, ws);
    const ref = naive(m, n, k, a.subarray(3), false, b.subarray(2), false).map((v) => 1 + 2 * v);
    expect(c[0]).toBe(1);
    expectClose(c.subarray(1), ref);
  });

  it('a workspace sized for a small product grows for a larger one', () => {
    const ws = createGemmWorkspace(2, 2, 2);
    const [m, n, k] = [100, 13, 270];
    const a = randomValues(m * k, 7);
    const b = randomValues(k * n, 8);
    const c = new Float32Array(m * n);
    gemm({ m: 2, n: 2, k: 2, a, b, c }, ws);
    gemm({ m, n, k, a, b, c }, ws);
    expectClose(c, naive(m, n, k, a, false, b, false), 1e-5, 1e-5);
  });

  it('k = 0 gives zeros', () => {
    const c = new Float32Array(4).fill(5);
    gemm({ m: 2, n: 2, k: 0, a: new Float32Array(0), b: new Float32Array(0), c });
    expect([...c]).toEqual([0, 0, 0, 0]);
  });
});

describe('matMul', () => {
  it('multiplies a hand-computed 2x3 by 3x2', () => {
    const y = matMul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[7, 8], [9, 10], [11, 12]]));
    expect(y.shape).toEqual([2, 2]);
    expect([...y.data]).toEqual([58, 64, 139, 154]);
  });

  it('honours transposeA and transposeB shapes', () => {
    const a = tensor(randomValues(12, 5), [4, 3]); // A^T is [3,4]
    const b = tensor(randomValues(20, 6), [5, 4]); // B^T is [4,5]
    const y = matMul(a, b, { transposeA: true, transposeB: true });
    expect(y.shape).toEqual([3, 5]);
    expectClose(y.data, naive(3, 5, 4, a.data, true, b.data, true));
  });
});

describe('GEMM_BLOCKING', () => {
  it('matches the literal constants the loops use (A blocks hold whole register tiles)', () => {
    expect(GEMM_BLOCKING).toEqual({ mr: 3, nr: 4, kc: 256, mc: 96, nc: 512 });
    expect(GEMM_BLOCKING.mc % GEMM_BLOCKING.mr).toBe(0);
    expect(GEMM_BLOCKING.nc % GEMM_BLOCKING.nr).toBe(0);
  });
});

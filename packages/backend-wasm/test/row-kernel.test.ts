import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { bitsEqual, randn } from './helpers.js';

/*
 * Products with at most four rows take the GEMM row kernel (B read in place);
 * the same rows inside a 13-row product take the blocked path. A row's bits
 * must not depend on which, or predict would depend on the batch size.
 */
describe('row kernel against the blocked GEMM path', () => {
  it('rows 1..4 match the first rows of a 13-row product bit for bit (odd k and n, k over a 256 block, transposeA)', () => {
    const w = createWasmBackend();
    const shapes: [number, number][] = [[1, 1], [7, 3], [255, 17], [256, 16], [257, 33], [513, 10], [784, 100],
      [1001, 129], [3136, 10], [2049, 1], [300, 255], [77, 200]];
    for (const [k, n] of shapes) {
      for (const ta of [false, true]) {
        const a = randn(ta ? [k, 13] : [13, k], k + n), b = randn([k, n], k * n + 1);
        const all = w.matMul(a, b, { transposeA: ta }).data;
        for (let rows = 1; rows <= 4; rows++) {
          const part = ta
            ? tensor(Float32Array.from({ length: k * rows }, (_, i) => a.data[Math.floor(i / rows) * 13 + (i % rows)]), [k, rows])
            : tensor(a.data.slice(0, rows * k), [rows, k]);
          const got = w.matMul(part, b, { transposeA: ta }).data;
          expect(bitsEqual(got, all.slice(0, rows * n)), `k ${k} n ${n} rows ${rows} transposeA ${ta}`).toBe(true);
        }
      }
    }
  });
});

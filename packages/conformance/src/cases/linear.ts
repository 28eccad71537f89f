import type { Random } from '@batchwise/core';
import { normal } from '../inputs.js';
import { fromTensor, refMatMul, refTranspose } from '../references/index.js';
import { accumulated, EXACT } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import { randomMatMulCases, randomTransposeCases } from './random-shapes.js';
import type { ConformanceCase } from './types.js';

export interface MatMulCase {
  name: string;
  seed: number;
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

export const MATMUL_CASES: MatMulCase[] = [
  { name: 'square 8', seed: 401, m: 8, k: 8, n: 8 },
  { name: 'row times column 1x17x1', seed: 402, m: 1, k: 17, n: 1 },
  { name: 'outer product k=1', seed: 403, m: 6, k: 1, n: 5 },
  { name: 'odd 67x33x5', seed: 404, m: 67, k: 33, n: 5 },
  { name: 'transposeA', seed: 405, m: 7, k: 9, n: 4, transposeA: true },
  { name: 'transposeB', seed: 406, m: 7, k: 9, n: 4, transposeB: true },
  { name: 'transposeA and transposeB', seed: 407, m: 5, k: 11, n: 6, transposeA: true, transposeB: true },
  { name: 'large 128x256x64', seed: 408, m: 128, k: 256, n: 64 },
  { name: 'large transposeB 64x784x100', seed: 409, m: 64, k: 784, n: 100, transposeB: true },
];

export interface TransposeCase {
  name: string;
  seed: number;
  shape: number[];
  perm: number[];
}

export const TRANSPOSE_CASES: TransposeCase[] = [
  { name: 'rank 1', seed: 411, shape: [5], perm: [0] },
  { name: 'rank 2', seed: 412, shape: [7, 3], perm: [1, 0] },
  { name: 'rank 3 rotate', seed: 413, shape: [2, 3, 4], perm: [2, 0, 1] },
  { name: 'rank 4 NHWC to NCHW', seed: 414, shape: [2, 5, 3, 4], perm: [0, 3, 1, 2] },
  { name: 'rank 4 HWIO to OIHW', seed: 415, shape: [3, 2, 4, 5], perm: [3, 2, 0, 1] },
  { name: 'identity perm', seed: 416, shape: [3, 4, 2], perm: [0, 1, 2] },
  { name: 'unit dimensions', seed: 417, shape: [1, 6, 1, 3], perm: [3, 2, 1, 0] },
];

export function linearCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of [...MATMUL_CASES, ...randomMatMulCases()]) {
    const aShape = c.transposeA ? [c.k, c.m] : [c.m, c.k];
    const bShape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
    const options = { transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false };
    out.push(
      comparisonCase({
        kernel: 'matMul', name: c.name, seed: c.seed,
        make: (rng: Random) => ({ a: normal(rng, aShape), b: normal(rng, bShape) }),
        tolerance: accumulated(c.k),
        run: (be, i) => ({ c: be.matMul(i.a, i.b, options) }),
        reference: (i) => ({ c: refMatMul(fromTensor(i.a), fromTensor(i.b), options.transposeA, options.transposeB) }),
      }),
    );
  }
  for (const c of [...TRANSPOSE_CASES, ...randomTransposeCases()]) {
    out.push(
      comparisonCase({
        kernel: 'transpose', name: c.name, seed: c.seed,
        make: (rng: Random) => ({ x: normal(rng, c.shape) }),
        tolerance: EXACT,
        run: (be, i) => ({ y: be.transpose(i.x, c.perm) }),
        reference: (i) => ({ y: refTranspose(fromTensor(i.x), c.perm) }),
      }),
    );
  }
  return out;
}

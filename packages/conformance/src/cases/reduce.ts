import type { ReduceOptions, Random, Tensor } from '@batchwise/core';
import { constant, fromValues, normal } from '../inputs.js';
import { fromTensor, refArgMax, refReduce, type ReduceName } from '../references/index.js';
import { accumulated, EXACT, type Tolerance } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import { randomReduceCases } from './random-shapes.js';
import type { ConformanceCase } from './types.js';

export interface ReduceCase {
  name: string;
  seed: number;
  shape: number[];
  options?: ReduceOptions;
}

export const REDUCE_CASES: ReduceCase[] = [
  { name: 'all axes, rank 3', seed: 701, shape: [3, 4, 5] },
  { name: 'axis 0', seed: 702, shape: [3, 4, 5], options: { axes: [0] } },
  { name: 'axis -1', seed: 703, shape: [3, 4, 5], options: { axes: [-1] } },
  { name: 'axes [0,2] keepDims', seed: 704, shape: [3, 4, 5], options: { axes: [0, 2], keepDims: true } },
  { name: 'axes [] (nothing reduced)', seed: 705, shape: [3, 4], options: { axes: [] } },
  { name: 'all axes keepDims, rank 1', seed: 706, shape: [9], options: { keepDims: true } },
  { name: 'NHWC over [0,1,2]', seed: 707, shape: [2, 5, 5, 3], options: { axes: [0, 1, 2] } },
  { name: 'large [32,28,28,32] over [0,1,2]', seed: 708, shape: [32, 28, 28, 32], options: { axes: [0, 1, 2] } },
];

function reducedCount(c: ReduceCase): number {
  const rank = c.shape.length;
  const axes = c.options?.axes ?? c.shape.map((_, i) => i);
  return axes.reduce((p, a) => p * c.shape[a < 0 ? a + rank : a], 1);
}

export function reduceCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const name of ['sum', 'mean', 'max'] as ReduceName[]) {
    for (const c of [...REDUCE_CASES, ...randomReduceCases()]) {
      const n = reducedCount(c);
      // A mean divides the accumulated error by n as well.
      const tol: Tolerance = name === 'max' ? EXACT : name === 'sum' ? accumulated(n) : accumulated(1);
      out.push(
        comparisonCase({
          kernel: name, name: c.name, seed: c.seed,
          make: (rng) => ({ x: normal(rng, c.shape) }),
          tolerance: tol,
          run: (b, i) => ({ y: b[name](i.x, c.options) }),
          reference: (i) => ({ y: refReduce(name, fromTensor(i.x), c.options?.axes, c.options?.keepDims ?? false) }),
        }),
      );
    }
  }
  const argMaxCases: Array<[string, number, (rng: Random) => Tensor]> = [
    ['rank 2 [10,7]', 711, (r) => normal(r, [10, 7])],
    ['rank 1 [9]', 712, (r) => normal(r, [9])],
    ['rank 3 [2,3,4]', 713, (r) => normal(r, [2, 3, 4])],
    ['constant rows: first index', 714, () => constant([3, 5], 1.5)],
    ['repeated maximum: first index', 715, () => fromValues([1, 3, 3, 2, -1, -1, -2, -1], [2, 4])],
    ['-Infinity values', 716, () => fromValues([-Infinity, -Infinity, -5, -Infinity, -Infinity, -Infinity], [2, 3])],
    ['single column [4,1]', 717, (r) => normal(r, [4, 1])],
  ];
  for (const [name, seed, make] of argMaxCases) {
    out.push(
      comparisonCase({
        kernel: 'argMax', name, seed,
        make: (rng) => ({ x: make(rng) }),
        tolerance: EXACT,
        run: (b, i) => ({ index: b.argMax(i.x) }),
        reference: (i) => ({ index: refArgMax(fromTensor(i.x)) }),
      }),
    );
  }
  return out;
}

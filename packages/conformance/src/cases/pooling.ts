import type { MaxPoolOptions, Random, Tensor } from '@batchwise/core';
import { constant, normal, uniform } from '../inputs.js';
import { fromTensor, refMaxPool, refMaxPoolBackward } from '../references/index.js';
import { EXACT, FEW_OPS } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import { randomPoolCases } from './random-shapes.js';
import type { ConformanceCase } from './types.js';

export interface PoolCase {
  name: string;
  seed: number;
  input: [number, number, number, number];
  poolSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  /** How x is drawn. Default normal(0, 1). */
  values?: 'negative' | 'minus-infinity' | 'constant';
}

/** all-negative windows catch a max that starts from 0; windows of -Infinity catch one that starts from a finite constant. */
export const POOL_CASES: PoolCase[] = [
  { name: '2x2 stride 2 valid', seed: 301, input: [2, 6, 6, 3], poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
  { name: 'odd 7x7, 3x3 stride 2 same', seed: 302, input: [2, 7, 7, 2], poolSize: [3, 3], strides: [2, 2], padding: 'same' },
  { name: 'even 8x8, 3x3 stride 2 same (asymmetric pad)', seed: 303, input: [1, 8, 8, 2], poolSize: [3, 3], strides: [2, 2], padding: 'same' },
  { name: 'odd 5x5, 2x2 stride 2 same', seed: 304, input: [2, 5, 5, 3], poolSize: [2, 2], strides: [2, 2], padding: 'same' },
  { name: 'overlapping 3x3 stride 1 same', seed: 305, input: [2, 5, 6, 2], poolSize: [3, 3], strides: [1, 1], padding: 'same' },
  { name: 'batch 1, one channel', seed: 306, input: [1, 6, 6, 1], poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
  { name: '1x1 spatial, 2x2 same', seed: 307, input: [3, 1, 1, 2], poolSize: [2, 2], strides: [2, 2], padding: 'same' },
  { name: 'pool 1x1 stride 1 (identity)', seed: 308, input: [2, 3, 3, 2], poolSize: [1, 1], strides: [1, 1], padding: 'valid' },
  { name: 'pool [2,3] strides [1,2] valid', seed: 309, input: [2, 6, 7, 2], poolSize: [2, 3], strides: [1, 2], padding: 'valid' },
  { name: 'all-negative windows', seed: 310, input: [2, 6, 6, 3], poolSize: [2, 2], strides: [2, 2], padding: 'valid', values: 'negative' },
  { name: 'all-negative windows, 3x3 stride 2 same', seed: 311, input: [2, 7, 7, 2], poolSize: [3, 3], strides: [2, 2], padding: 'same', values: 'negative' },
  { name: 'windows of -Infinity', seed: 312, input: [1, 4, 4, 2], poolSize: [2, 2], strides: [2, 2], padding: 'valid', values: 'minus-infinity' },
  { name: 'ties keep the first index', seed: 313, input: [2, 4, 4, 2], poolSize: [2, 2], strides: [2, 2], padding: 'same', values: 'constant' },
  { name: 'large 8x28x28x32', seed: 314, input: [8, 28, 28, 32], poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
  // Channels a multiple of 4 (SIMD128's vectors) with edge windows, and with overlapping ones.
  { name: 'odd 5x5, 2x2 stride 2 same, 8 channels', seed: 315, input: [2, 5, 5, 8], poolSize: [2, 2], strides: [2, 2], padding: 'same' },
  { name: 'overlapping 3x3 stride 2 same, 4 channels', seed: 316, input: [2, 7, 7, 4], poolSize: [3, 3], strides: [2, 2], padding: 'same', values: 'negative' },
];

function makeX(c: PoolCase, rng: Random): Tensor {
  if (c.values === 'negative') return uniform(rng, c.input, -3, -0.5);
  if (c.values === 'constant') return constant(c.input, -2);
  const x = normal(rng, c.input);
  if (c.values === 'minus-infinity') for (let i = 0; i < x.size; i += 2) x.data[i] = -Infinity;
  // Channel 1 of the first window entirely -Infinity: its maximum is -Infinity, its index the first element.
  if (c.values === 'minus-infinity') {
    const [, , w, ch] = c.input;
    for (const [iy, ix] of [[0, 0], [0, 1], [1, 0], [1, 1]]) x.data[(iy * w + ix) * ch + 1] = -Infinity;
  }
  return x;
}

export function poolCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of [...POOL_CASES, ...randomPoolCases()]) {
    const o: MaxPoolOptions = { poolSize: c.poolSize, strides: c.strides, padding: c.padding };
    out.push(
      comparisonCase({
        kernel: 'maxPool', name: c.name, seed: c.seed,
        make: (rng) => ({ x: makeX(c, rng) }),
        tolerance: EXACT,
        run: (b, i) => {
          const r = b.maxPool(i.x, o);
          return { y: r.y, argmax: r.argmax };
        },
        reference: (i) => ({ ...refMaxPool(fromTensor(i.x), o) }),
      }),
      comparisonCase({
        kernel: 'maxPoolInference', name: c.name, seed: c.seed,
        make: (rng) => ({ x: makeX(c, rng) }),
        tolerance: EXACT,
        run: (b, i) => ({ y: b.maxPoolInference(i.x, o) }),
        reference: (i) => ({ y: refMaxPool(fromTensor(i.x), o).y }),
      }),
      comparisonCase({
        kernel: 'maxPoolBackward', name: c.name, seed: c.seed,
        make: (rng) => {
          const x = makeX(c, rng);
          const r = refMaxPool(fromTensor(x), o);
          return { argmax: r.argmax, dy: normal(rng, r.y.shape) };
        },
        // Overlapping windows add several dy values into one dx, in an order the backend chooses.
        tolerance: FEW_OPS,
        run: (b, i) => ({ dx: b.maxPoolBackward(i.dy, i.argmax, c.input) }),
        reference: (i) => ({ dx: refMaxPoolBackward(fromTensor(i.dy), i.argmax, c.input) }),
      }),
    );
  }
  return out;
}

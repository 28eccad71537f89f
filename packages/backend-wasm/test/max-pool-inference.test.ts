import { makeTensor, Random, type MaxPoolOptions, type Shape } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { bitsEqual, plantNaNs, POOL_2X2, specialsIn } from './helpers.js';

/*
 * maxPoolInference has its own kernel (csrc/kernels/max-pool-values.cc: a pmax
 * per pair on whole 2x2 windows, an exact path when a NaN is near). It must
 * give maxPool's y bit for bit, NaN payloads and the sign of zero included,
 * which the conformance suite (NaN never matches there) cannot see.
 */
const original = createWasmBackend().info().threads;
afterAll(() => void createWasmBackend({ numThreads: original }));

const SPECIAL = [NaN, -0, 0, Infinity, -Infinity];

/** Normal values with specials sprinkled in, and a second NaN payload. */
function input(shape: Shape, seed: number): Float32Array {
  const rng = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: size }, () => (rng.uniform(0, 1) < 0.15 ? SPECIAL[rng.int(SPECIAL.length)] : rng.uniform(-2, 2)));
  plantNaNs(x, Array.from({ length: Math.ceil(size / 37) }, (_, k) => 37 * k));
  return x;
}

const CASES: { name: string; shape: Shape; options: MaxPoolOptions }[] = [
  { name: '2x2 valid, 8 channels', shape: [3, 8, 8, 8], options: POOL_2X2 },
  { name: '2x2 same on odd 7x7, 12 channels', shape: [2, 7, 7, 12], options: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: '2x2 valid, 6 channels (a vector and a scalar tail)', shape: [2, 6, 6, 6], options: POOL_2X2 },
  { name: '2x2 valid, 1 channel', shape: [2, 6, 6, 1], options: POOL_2X2 },
  { name: '3x3 stride 2 same, 4 channels', shape: [2, 9, 9, 4], options: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
  { name: '[2,3] strides [1,2], 4 channels', shape: [2, 6, 7, 4], options: { poolSize: [2, 3], strides: [1, 2], padding: 'valid' } },
  { name: 'large 2x2, 32 channels, many tasks', shape: [16, 28, 28, 32], options: POOL_2X2 },
];

describe('maxPoolInference gives maxPool y, bit for bit', () => {
  const backends = [
    ['1 thread', createWasmBackend({ numThreads: 1 })],
    ['2 threads', createWasmBackend({ numThreads: 2 })],
    ['the single-threaded module', createWasmBackend({ sharedMemory: false })],
  ] as const;
  CASES.forEach((c, i) => {
    it(c.name, () => {
      const x = makeTensor(input(c.shape, 100 + i), c.shape);
      for (const [label, b] of backends) {
        if (label === '2 threads') createWasmBackend({ numThreads: 2 });
        if (label === '1 thread') createWasmBackend({ numThreads: 1 });
        const values = b.maxPoolInference(x, c.options);
        const full = b.maxPool(x, c.options);
        expect(values.shape, label).toEqual(full.y.shape);
        expect(bitsEqual(values.data, full.y.data), `${c.name} on ${label}`).toBe(true);
      }
    });
  });

  it('holds the specials it was meant to (the test inputs are not all finite)', () => {
    expect(specialsIn(input([2, 8, 8, 8], 7))).toMatchObject({ nan: true, negativeZero: true, infinity: true, negativeInfinity: true });
  });

  it('names the kernel in its errors', () => {
    const b = createWasmBackend();
    const x = makeTensor(new Float32Array(16), [1, 4, 4, 1]);
    expect(() => b.maxPoolInference(x, { poolSize: [5, 5], strides: [1, 1], padding: 'valid' })).toThrow(/^maxPoolInference: /);
  });
});

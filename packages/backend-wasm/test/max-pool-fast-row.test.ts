import { createCpuBackend } from '@batchwise/backend-cpu';
import { makeTensor, Random, type MaxPoolOptions, type Shape } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { plantNaNs, POOL_2X2, specialsIn } from './helpers.js';

/*
 * maxPool and maxPoolInference take a fast row on whole 2x2 windows with
 * C % 4 == 0 (a pmax tree, the argmax from equality masks) and fall back to
 * the exact scan when a NaN or an infinity is in the row. Both paths are held
 * here against cpu's scan (the reference rule: the first maximum, a NaN wins
 * and stays), on data built to stress them: many ties, both signs of zero,
 * and rows with a single NaN or infinity among clean rows.
 */
const original = createWasmBackend().info().threads;
afterAll(() => void createWasmBackend({ numThreads: original }));

type Fill = 'ties' | 'one special per few rows';

/** Values from {-1, -0, 0, 1} (ties everywhere), plus, for the second fill, a NaN or an infinity in some rows. */
function input(shape: Shape, fill: Fill, seed: number): Float32Array {
  const rng = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const choices = [-1, -0, 0, 1];
  const x = Float32Array.from({ length: size }, () => choices[rng.int(choices.length)]);
  if (fill === 'one special per few rows') {
    const rowElems = shape[2] * shape[3];
    const specials = [NaN, Infinity, -Infinity];
    for (let row = 0; row * rowElems < size; row += 3) x[row * rowElems + rng.int(rowElems)] = specials[rng.int(specials.length)];
    plantNaNs(x, [Math.floor(size / 2)]);
  }
  return x;
}

const SHAPES: { name: string; shape: Shape; options: MaxPoolOptions }[] = [
  { name: '2x2 stride 2, 4 channels', shape: [2, 6, 6, 4], options: POOL_2X2 },
  { name: '2x2 stride 2, 32 channels', shape: [4, 8, 8, 32], options: POOL_2X2 },
  { name: '2x2 stride 1, 8 channels (overlapping windows)', shape: [2, 5, 5, 8], options: { poolSize: [2, 2], strides: [1, 1], padding: 'valid' } },
  { name: '2x2 same on odd 7x7 (padded last row and column)', shape: [2, 7, 7, 8], options: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: '2x2 valid on odd 7x7 (last column unused)', shape: [2, 7, 7, 12], options: POOL_2X2 },
];

describe('maxPool fast 2x2 rows agree with cpu, argmax included', () => {
  const cpu = createCpuBackend();
  for (const threads of [1, 2]) {
    for (const fill of ['ties', 'one special per few rows'] as const) {
      SHAPES.forEach((c, i) => {
        it(`${c.name}, ${fill}, ${threads} thread(s)`, () => {
          const wasm = createWasmBackend({ numThreads: threads });
          const data = input(c.shape, fill, 40 + i);
          const want = cpu.maxPool(makeTensor(data, c.shape), c.options);
          const got = wasm.maxPool(makeTensor(data, c.shape), c.options);
          const values = wasm.maxPoolInference(makeTensor(data, c.shape), c.options);
          expect(Array.from(got.argmax)).toEqual(Array.from(want.argmax));
          const bits = new Uint32Array(data.buffer);
          const gotBits = new Uint32Array(got.y.data.buffer, got.y.data.byteOffset, got.y.size);
          const valueBits = new Uint32Array(values.data.buffer, values.data.byteOffset, values.size);
          for (let o = 0; o < got.y.size; o++) {
            // y is the element argmax names, to the bit (sign of zero, NaN payload).
            expect(gotBits[o], `y[${o}]`).toBe(bits[got.argmax[o]]);
            expect(valueBits[o], `maxPoolInference y[${o}]`).toBe(bits[got.argmax[o]]);
          }
        });
      });
    }
  }

  it('feeds both paths: the tie inputs hold both zeros, the special ones NaNs and infinities in some rows only', () => {
    expect(specialsIn(input([2, 6, 6, 4], 'ties', 1))).toMatchObject({ negativeZero: true, positiveZero: true });
    const special = input([4, 8, 8, 32], 'one special per few rows', 2);
    const has = specialsIn(special);
    expect(has.nan && (has.infinity || has.negativeInfinity)).toBe(true);
    expect(special.subarray(8 * 32, 2 * 8 * 32).every((v) => Number.isFinite(v))).toBe(true);
  });
});

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
 * rows with a single NaN or infinity among clean rows, NaNs only where the
 * pmax tree carries them without the exact path (a window's first element),
 * and finite values whose sums overflow (the check's false alarm).
 */
const original = createWasmBackend().info().threads;
afterAll(() => void createWasmBackend({ numThreads: original }));

type Fill = 'ties' | 'one special per few rows' | 'NaN only in first window elements' | 'sums that overflow';

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
  if (fill === 'NaN only in first window elements') {
    // A NaN in a window's top-left element comes out of the pmax tree on its own
    // (no fallback to the exact row); only those rows that hold no other NaN.
    const [, h, w, c] = shape;
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < size; i += 7) {
      const pixel = Math.floor(i / c), col = pixel % w, row = Math.floor(pixel / w) % h;
      if (row % 2 === 0 && col % 2 === 0) bits[i] = i % 2 === 0 ? 0x7fc00000 : 0xffc00001;
    }
  }
  if (fill === 'sums that overflow') {
    // Finite values whose running sums overflow to infinity: a false alarm
    // that sends the row to the exact path, which must agree all the same.
    for (let i = 0; i < size; i++) x[i] = x[i] * 3e38;
  }
  return x;
}

const SHAPES: { name: string; shape: Shape; options: MaxPoolOptions }[] = [
  { name: '2x2 stride 2, 4 channels', shape: [2, 6, 6, 4], options: POOL_2X2 },
  { name: '2x2 stride 2, 32 channels', shape: [4, 8, 8, 32], options: POOL_2X2 },
  { name: '2x2 stride 1, 8 channels (overlapping windows)', shape: [2, 5, 5, 8], options: { poolSize: [2, 2], strides: [1, 1], padding: 'valid' } },
  { name: '2x2 same on odd 7x7 (padded last row and column)', shape: [2, 7, 7, 8], options: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: '2x2 valid on odd 7x7 (last column unused)', shape: [2, 7, 7, 12], options: POOL_2X2 },
  // The fast rows have a loop per common channel count, fixed at compile time
  // (8 to 512, max-pool-2x2_wasm.h), and one for any other C % 4 == 0 (12, 20, 40 here).
  ...[8, 16, 20, 24, 40, 48, 64, 96, 128, 192, 256, 384, 512].map((c) => ({
    name: `2x2 stride 2, ${c} channels`,
    shape: [2, 4, 4, c] as Shape,
    options: POOL_2X2,
  })),
];

describe('maxPool fast 2x2 rows agree with cpu, argmax included', () => {
  const cpu = createCpuBackend();
  for (const threads of [1, 2]) {
    for (const fill of ['ties', 'one special per few rows', 'NaN only in first window elements', 'sums that overflow'] as const) {
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
    const firsts = input([2, 4, 6, 8], 'NaN only in first window elements', 3);
    // NaNs of both signs, all in top-left elements (row and column even).
    const nans = [...firsts.keys()].filter((i) => Number.isNaN(firsts[i]));
    expect(nans.length).toBeGreaterThan(4);
    expect(nans.every((i) => Math.floor(i / 8 / 6) % 2 === 0 && Math.floor(i / 8) % 2 === 0)).toBe(true);
    expect(new Set(nans.map((i) => new Uint32Array(firsts.buffer)[i])).size).toBe(2);
    const huge = input([2, 4, 6, 8], 'sums that overflow', 4);
    expect(huge.every((v) => Number.isFinite(v)) && huge.some((v, i) => i + 1 < huge.length && Math.fround(v + huge[i + 1]) === Infinity)).toBe(true);
  });
});

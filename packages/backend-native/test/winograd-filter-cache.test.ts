import { makeTensor, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { cpu, expectTensorClose, native, randn } from './helpers.js';

/*
 * Winograd's transformed filters are cached per thread (winograd-filter-cache.cc)
 * and reused only while the filter's bits are those they were made from. A
 * filter changed in place (as an optimizer updates weights), same shape, same
 * memory, must give the new filter's result: the bits of the same values in a
 * fresh tensor, and cpu's within tolerance. More filters than the cache holds,
 * in turn, must each give their own result.
 */
const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const fresh = (t: Tensor) => makeTensor(t.data.slice(), t.shape);

function params(o: number) {
  return { mean: randn([o], 7), variance: randn([o], 8, 0.2, 1), gamma: randn([o], 9), beta: randn([o], 10), epsilon: 1e-3 };
}

describe('native Winograd: cached transformed filters', () => {
  it('sees a filter changed in place, in its last element or its first', () => {
    const x = randn([1, 14, 14, 32], 1), f = randn([3, 3, 32, 64], 2), p = params(64);
    const before = native.conv2dBatchNormRelu!(x, f, p, { ...conv, pool });
    expect(bits(native.conv2dBatchNormRelu!(x, f, p, { ...conv, pool })).equals(bits(before))).toBe(true);
    for (const index of [f.size - 1, 0]) {
      f.data[index] = f.data[index]! + 3;
      const fused = native.conv2dBatchNormRelu!(x, f, p, { ...conv, pool });
      expect(bits(fused).equals(bits(before)), `index ${index}: the result changed`).toBe(false);
      expect(bits(fused).equals(bits(native.conv2dBatchNormRelu!(x, fresh(f), p, { ...conv, pool }))), `index ${index}`).toBe(true);
      const plain = native.conv2d(x, f, conv);
      expect(bits(plain).equals(bits(native.conv2d(x, fresh(f), conv))), `conv2d, index ${index}`).toBe(true);
      expectTensorClose(plain, cpu.conv2d(x, f, conv), `conv2d against cpu, index ${index}`, 1e-4, 1e-4);
    }
  });

  it('gives each of more filters than it holds its own result, in turn', () => {
    const x = randn([2, 9, 11, 16], 3);
    const filters = Array.from({ length: 7 }, (_, i) => randn([3, 3, 16, 16 + 8 * (i % 2)], 20 + i));
    const expected = filters.map((f) => cpu.conv2d(x, f, conv));
    for (let round = 0; round < 3; round++) {
      filters.forEach((f, i) => expectTensorClose(native.conv2d(x, f, conv), expected[i]!, `round ${round}, filter ${i}`, 1e-4, 1e-4));
    }
  });

  it('transforms a filter too large to keep on every call, into a reused buffer, and sees it changed in place', () => {
    // 3x3x128x256: its copy and transform exceed the per-entry cap, so it takes the uncached path.
    const x = randn([1, 6, 6, 128], 4), f = randn([3, 3, 128, 256], 5, 0.05);
    const first = native.conv2d(x, f, conv);
    expectTensorClose(first, cpu.conv2d(x, f, conv), 'large filter against cpu', 1e-4, 1e-4);
    const other = randn([3, 3, 128, 256], 6, 0.05);
    expectTensorClose(native.conv2d(x, other, conv), cpu.conv2d(x, other, conv), 'another large filter', 1e-4, 1e-4);
    f.data[0] = f.data[0]! + 3;
    const changed = native.conv2d(x, f, conv);
    expect(bits(changed).equals(bits(first))).toBe(false);
    expectTensorClose(changed, cpu.conv2d(x, f, conv), 'changed in place, against cpu', 1e-4, 1e-4);
  });
});

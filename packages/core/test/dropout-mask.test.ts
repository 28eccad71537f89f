import { describe, expect, it } from 'vitest';
import { dropoutKey, dropoutUniform, fmix32 } from '../src/index.js';

describe('dropout mask contract', () => {
  it('fmix32 is the murmur3 finalizer', () => {
    // Values of the reference C finalizer (fmix32 in MurmurHash3.cpp).
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
  });

  it('draws uniformly on a 2^-24 grid in [0, 1)', () => {
    const key = dropoutKey(5);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const u = dropoutUniform(key, i);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(Number.isInteger(u * 16777216)).toBe(true);
      buckets[Math.floor(u * 10)]++;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('keys differ for negative seeds and seeds that differ only above 2^32', () => {
    const keys = [0, 1, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 40].map(dropoutKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is a pure function of (seed, index): any unit can be computed alone', () => {
    const key = dropoutKey(99);
    const forward = Array.from({ length: 64 }, (_, i) => dropoutUniform(key, i));
    const backward = Array.from({ length: 64 }, (_, i) => dropoutUniform(key, 63 - i)).reverse();
    expect(forward).toEqual(backward);
  });
});

import { describe, expect, it } from 'vitest';
import { Random } from '../src/index.js';

describe('Random', () => {
  it('gives the same stream for the same seed and different ones for nearby seeds', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('is roughly uniform over [0, 1)', () => {
    const r = new Random(123);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(r.next() * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('shuffles reproducibly and keeps every element', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const b = [...a];
    new Random(3).shuffle(a);
    new Random(3).shuffle(b);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow('Random: seed must be a finite number, received NaN.');
  });
});

import { describe, expect, it } from 'vitest';
import { fitExponent } from '../src/scaling/fit.js';
import { scalingPoints } from '../src/scaling/cases.js';

describe('fitExponent', () => {
  it('recovers the exponent of an exact power law', () => {
    const work = [1e3, 1e4, 1e5, 1e6];
    const fit = fitExponent(work, work.map((w) => 3 * w ** 0.8));
    expect(fit?.exponent).toBeCloseTo(0.8, 12);
    expect(fit?.r2).toBeCloseTo(1, 12);
    expect(fit?.points).toBe(4);
  });

  it('sees a fixed cost as an exponent below 1', () => {
    const work = [1, 10, 100, 1000, 10000];
    const fit = fitExponent(work, work.map((w) => 50 + w));
    expect(fit!.exponent).toBeLessThan(0.7);
    expect(fit!.r2).toBeLessThan(1);
  });

  it('needs two distinct positive points and equal lengths', () => {
    expect(fitExponent([5], [1])).toBeUndefined();
    expect(fitExponent([5, 5], [1, 2])).toBeUndefined();
    expect(fitExponent([0, -1], [1, 2])).toBeUndefined();
    expect(() => fitExponent([1, 2], [1])).toThrow('fitExponent: work and ms must have the same length, received 2 and 1.');
  });
});

describe('scalingPoints', () => {
  it('counts conv2d work in FLOPs and batch-norm work in elements', () => {
    const points = scalingPoints(true);
    const conv = points.find((p) => p.kernel === 'conv2d' && p.sweep === 'batch' && p.batch === 4)!;
    expect(conv.work).toBe(2 * 4 * 14 * 14 * 64 * 9 * 32);
    const bn = points.find((p) => p.kernel === 'batchNorm' && p.sweep === 'image' && p.size === 7)!;
    expect(bn.work).toBe(2 * 7 * 7 * 32);
  });
});

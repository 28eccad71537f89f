import { describe, expect, it } from 'vitest';
import { compareRuns, compareValues, points } from '../src/experiments/compare.js';
import { formatInterval, geometricIntervalOf, intervalOf, meanCurve } from '../src/experiments/intervals.js';

const seeds = [1, 2, 3];
const o = { seeds, formatDifference: points };

/** n examples, the first `wrong` of them wrong. */
function outcomes(n: number, wrong: number, offset = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((i + offset) % n < wrong ? 0 : 1));
}

describe('paired comparisons', () => {
  it('gives a verdict when seeds and test images agree', () => {
    // A is right on 60 more of 1,000 images in every seed.
    const a = seeds.map((_, k) => ({ value: 0.95 - k * 0.001, perExample: outcomes(1000, 50 + k) }));
    const b = seeds.map((_, k) => ({ value: 0.89 - k * 0.001, perExample: outcomes(1000, 110 + k) }));
    const c = compareRuns('with BN', 'without BN', 'final test accuracy', a, b, o);
    expect(c.larger).toBe('a');
    expect(c.difference.mean).toBeCloseTo(0.06, 12);
    expect(c.bootstrap!.lower).toBeGreaterThan(0);
    expect(c.mcnemar!.map((m) => [m.b, m.c])).toEqual([[60, 0], [60, 0], [60, 0]]);
    expect(c.text).toContain('with BN is higher on final test accuracy');
  });

  it('says "not distinguishable with N seeds" and how many would be needed', () => {
    const c = compareValues('a', 'b', 'accuracy', [0.91, 0.93, 0.92], [0.915, 0.92, 0.921], o);
    expect(c.larger).toBe('none');
    expect(c.reason).toBe('both');
    expect(c.seedsNeeded).toBeGreaterThan(3);
    expect(c.text).toMatch(/not distinguishable on accuracy with 3 seeds; about \d+ seeds would be needed/);
  });

  it('does not let the seeds alone decide when the test set cannot tell', () => {
    // Every seed: A 1 image better out of 100, too few discordant images for the bootstrap.
    const a = seeds.map(() => ({ value: 0.91, perExample: outcomes(100, 9) }));
    const b = seeds.map(() => ({ value: 0.9, perExample: outcomes(100, 10) }));
    const c = compareRuns('a', 'b', 'accuracy', a, b, o);
    expect(c.difference.lower).toBeGreaterThan(0);
    expect(c.larger).toBe('none');
    expect(c.reason).toBe('test-set');
  });

  it('refuses to test runs without a value (a diverged run)', () => {
    const c = compareValues('a', 'b', 'accuracy', [0.9, Number.NaN, 0.9], [0.8, 0.8, 0.8], o);
    expect(c.larger).toBe('none');
    expect(c.text).toContain('because 1 of the 6 runs have no value');
  });

  it('compares regressors on RMSE with a bootstrap of the RMSE difference', () => {
    const errA = Array.from({ length: 200 }, (_, i) => 1 + (i % 3)); // mean square 2
    const errB = errA.map((e) => e * 4); // mean square 8: RMSE twice as large
    const rmse = (e: number[]) => Math.sqrt(e.reduce((x, y) => x + y, 0) / e.length) * 10;
    const c = compareRuns('a', 'b', 'test RMSE', seeds.map(() => ({ value: rmse(errA), perExample: errA })), seeds.map(() => ({ value: rmse(errB), perExample: errB })), { ...o, squaredErrors: { scale: 10 } });
    expect(c.bootstrap!.estimate).toBeCloseTo(rmse(errA) - rmse(errB), 10);
    expect(c.mcnemar).toBeNull();
    expect(c.larger).toBe('b');
  });
});

describe('intervals over seeds', () => {
  it('uses the t-distribution: 3 seeds, 95 % -> t = 4.30', () => {
    const iv = intervalOf([0.9, 0.92, 0.94]);
    expect(iv.mean).toBeCloseTo(0.92, 12);
    expect(iv.upper - iv.mean).toBeCloseTo(4.302652729749462 * 0.02 / Math.sqrt(3), 10);
    expect(formatInterval(iv, (v) => v.toFixed(3))).toBe('0.920 [0.870, 0.970]');
  });

  it('summarizes steps geometrically', () => {
    const iv = geometricIntervalOf([1000, 2000, 4000]);
    expect(iv.mean).toBeCloseTo(2000, 8);
    expect(iv.lower * iv.upper).toBeCloseTo(2000 * 2000, 4);
  });

  it('marks a curve point non-finite when any seed is', () => {
    const curve = meanCurve([1, 2], [[0.5, 0.6], [0.7, Number.NaN]]);
    expect(curve[0]).toMatchObject({ x: 1, y: 0.6 });
    expect(curve[0].lower).toBeLessThan(0.6);
    expect(Number.isNaN(curve[1].y)).toBe(true);
  });
});

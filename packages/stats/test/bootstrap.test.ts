import { describe, expect, it } from 'vitest';
import { pairedBootstrap, pairedSampleSize } from '../src/index.js';

const SLEEP_DIFFERENCES = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4];

describe('paired bootstrap', () => {
  it('is reproducible from its seed, and another seed resamples differently', () => {
    const zeros = new Array(10).fill(0);
    const a = pairedBootstrap(SLEEP_DIFFERENCES, zeros, { seed: 7, resamples: 2000 });
    const b = pairedBootstrap(SLEEP_DIFFERENCES, zeros, { seed: 7, resamples: 2000 });
    const c = pairedBootstrap(SLEEP_DIFFERENCES, zeros, { seed: 8, resamples: 2000 });
    expect(b).toEqual(a);
    expect(c.lower).not.toBe(a.lower);
    expect(a.estimate).toBeCloseTo(1.58, 12);
  });

  it('gives the same interval on every machine and version for a fixed seed (the reports cite seed 2018)', () => {
    // Pinned: a change of the resampling stream or of the quantile rule would change every committed report.
    const r = pairedBootstrap(SLEEP_DIFFERENCES, new Array(10).fill(0), { seed: 2018, resamples: 10_000 });
    expect(r.lower).toBeCloseTo(0.95, 12);
    expect(r.upper).toBeCloseTo(2.39, 12);
    expect(r.standardError).toBeCloseTo(0.3725268280040481, 12);
  });

  it('its standard error is the plug-in standard error of the mean (Efron & Tibshirani 1993, sec. 6.2)', () => {
    // For the mean, the ideal bootstrap SE is sqrt(sum (d - mean)^2 / n) / sqrt(n) = 0.36900 here.
    const n = SLEEP_DIFFERENCES.length;
    const m = 1.58;
    const plugIn = Math.sqrt(SLEEP_DIFFERENCES.reduce((s, d) => s + (d - m) ** 2, 0) / n) / Math.sqrt(n);
    expect(plugIn).toBeCloseTo(0.369, 3);
    const r = pairedBootstrap(SLEEP_DIFFERENCES, new Array(n).fill(0), { seed: 1, resamples: 20_000 });
    // 20,000 resamples estimate the SE to about 0.5 %.
    expect(Math.abs(r.standardError / plugIn - 1)).toBeLessThan(0.02);
    // The percentile interval is skewed right by the 4.6.
    expect(r.lower).toBeGreaterThan(0.85);
    expect(r.upper).toBeLessThan(2.45);
    expect(r.upper - r.estimate).toBeGreaterThan(r.estimate - r.lower);
  });

  it('for two classifiers on one test set, matches the matched-pairs standard error', () => {
    // 1,000 examples: A right and B wrong on 80, A wrong and B right on 40.
    // SE of the accuracy difference: sqrt((b + c)/n - ((b - c)/n)^2) / sqrt(n) (Agresti 2013, sec. 11.1.1).
    const n = 1000;
    const a = new Array(n).fill(1);
    const b = new Array(n).fill(1);
    for (let i = 0; i < 80; i++) b[i] = 0;
    for (let i = 80; i < 120; i++) a[i] = 0;
    const se = Math.sqrt(120 / n - (40 / n) ** 2) / Math.sqrt(n);
    const r = pairedBootstrap(a, b, { seed: 3, resamples: 20_000 });
    expect(r.estimate).toBeCloseTo(0.04, 12);
    expect(Math.abs(r.standardError / se - 1)).toBeLessThan(0.03);
    expect(r.lower).toBeGreaterThan(0.04 - 2.2 * se);
    expect(r.lower).toBeLessThan(0.04 - 1.7 * se);
  });

  it('compares transformed means: a difference of RMSEs from per-example squared errors', () => {
    // Squared errors 1 and 4 (RMSE 1 and 2) on every example: the difference is exactly -1 in every resample.
    const r = pairedBootstrap(new Array(50).fill(1), new Array(50).fill(4), { seed: 1, resamples: 500, transform: Math.sqrt });
    expect(r.estimate).toBe(-1);
    expect(r.lower).toBe(-1);
    expect(r.upper).toBe(-1);
    expect(() => pairedBootstrap([1], [1], { seed: 1, transform: 3 as never })).toThrow('pairedBootstrap: transform must be a function, received 3.');
  });

  it('rejects a missing seed and too few resamples', () => {
    expect(() => pairedBootstrap([1], [0], {} as never)).toThrow('pairedBootstrap: seed must be an integer, received undefined.');
    expect(() => pairedBootstrap([1], [0], { seed: 1, resamples: 10 })).toThrow('pairedBootstrap: resamples must be an integer >= 100, received 10.');
  });
});

describe('seeds needed (paired t-test, 95 %, power 80 %)', () => {
  it("agrees with R's power.t.test(type = 'paired')", () => {
    // power.t.test(delta = 1, sd = 1, type = "paired", power = 0.8): n = 9.94 -> 10; delta = 0.5: n = 33.4 -> 34.
    expect(pairedSampleSize(1, 1)).toBe(10);
    expect(pairedSampleSize(-0.5, 1)).toBe(34);
    expect(pairedSampleSize(0.2, 0.1)).toBe(5);
  });

  it('is infinite for no difference and 2 for no spread', () => {
    expect(pairedSampleSize(0, 1)).toBe(Infinity);
    expect(pairedSampleSize(1e-6, 1, { max: 1000 })).toBe(Infinity);
    expect(pairedSampleSize(1, 0)).toBe(2);
  });

  it('rejects bad arguments', () => {
    expect(() => pairedSampleSize(Number.NaN, 1)).toThrow('pairedSampleSize: delta must be a finite number, received NaN.');
    expect(() => pairedSampleSize(1, -1)).toThrow('pairedSampleSize: sd must be a finite number >= 0, received -1.');
    expect(() => pairedSampleSize(1, 1, { power: 1 })).toThrow('pairedSampleSize: power must be in (0, 1), received 1.');
  });
});

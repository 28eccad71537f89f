import { describe, expect, it } from 'vitest';
import { logGamma, mean, pairedDifferences, regularizedIncompleteBeta, sampleVariance, standardDeviation, studentTCdf, studentTQuantile, tInterval } from '../src/index.js';

/** Student's sleep data (Cushny & Peebles 1905; R's `sleep`): extra hours of sleep, drug 2 minus drug 1, per patient. */
const SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('special functions', () => {
  it('ln Gamma at known points', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(1)).toBeCloseTo(0, 14);
  });

  it('I_x(a, b) equals a binomial tail for integer a, b', () => {
    // I_x(a, b) = P(Bin(a + b - 1, x) >= a): I_0.5(2, 3) = P(Bin(4, 1/2) >= 2) = 11/16.
    expect(regularizedIncompleteBeta(0.5, 2, 3)).toBeCloseTo(11 / 16, 14);
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
  });
});

describe('Student t', () => {
  // R's qt(p, df) = scipy.stats.t.ppf(p, df).
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 4, 2.7764451051977934],
    [0.975, 9, 2.262157162798205],
    [0.975, 30, 2.0422724563012378],
    [0.95, 10, 1.8124611228116756],
    [0.8, 9, 0.8834038596855346],
    [0.025, 4, -2.7764451051977934],
  ])('qt(%d, %d) = %d', (p, df, t) => expect(studentTQuantile(p, df)).toBeCloseTo(t, 9));

  it('cdf at known points', () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850708, 12); // R: pt(2, 5)
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(studentTCdf(-1, 1)).toBeCloseTo(0.25, 14); // Cauchy
  });

  it('rejects bad arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow('studentTQuantile: p must be in (0, 1), received 1.');
    expect(() => studentTQuantile(0.5, 0)).toThrow('studentTQuantile: df must be a positive finite number, received 0.');
    expect(() => tInterval([1])).toThrow('tInterval: values must hold at least 2 values, received 1.');
    expect(() => tInterval([1, 2], { level: 95 })).toThrow('tInterval: level must be in (0, 1), received 95.');
  });
});

describe('moments', () => {
  it('mean, sample variance and standard deviation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleVariance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 14);
    // Offset by 1e9: two passes keep every digit (one pass would not).
    expect(sampleVariance([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4])).toBeCloseTo(5 / 3, 6);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });
});

describe('t-interval and paired differences (textbook: Student\'s sleep data)', () => {
  // R: t.test(extra ~ group, data = sleep, paired = TRUE) with the groups swapped:
  // mean difference 1.58, t = 4.0621, df = 9, p-value = 0.002833, 95 % CI [0.7001142, 2.4598858]
  // (full digits from scipy.stats.ttest_rel).
  const paired = pairedDifferences(SLEEP_DRUG_2, SLEEP_DRUG_1);

  it('reproduces R\'s paired t.test', () => {
    expect(paired.interval.mean).toBeCloseTo(1.58, 12);
    expect(paired.interval.df).toBe(9);
    expect(paired.tStatistic).toBeCloseTo(4.062127683382037, 10);
    expect(paired.pValue).toBeCloseTo(0.002832890197384273, 12);
    expect(paired.interval.lower).toBeCloseTo(0.7001142367230175, 10);
    expect(paired.interval.upper).toBeCloseTo(2.459885763276983, 10);
  });

  it('is the t-interval of the differences', () => {
    const direct = tInterval(paired.differences);
    expect(direct.lower).toBe(paired.interval.lower);
    expect(direct.t).toBeCloseTo(2.262157162798205, 9);
    expect(direct.halfWidth).toBeCloseTo(direct.t * direct.sd / Math.sqrt(10), 14);
  });

  it('a 3-seed interval uses t = 4.30, not 1.96', () => {
    const three = tInterval([0.91, 0.93, 0.95]);
    expect(three.t).toBeCloseTo(4.302652729749464, 9);
    expect(three.halfWidth).toBeCloseTo(4.302652729749464 * 0.02 / Math.sqrt(3), 12);
  });

  it('identical differences: zero spread, decided by the sign', () => {
    expect(pairedDifferences([2, 3], [1, 2]).pValue).toBe(0);
    expect(pairedDifferences([1, 2], [1, 2]).pValue).toBe(1);
  });

  it('rejects unpaired samples', () => {
    expect(() => pairedDifferences([1, 2, 3], [1, 2])).toThrow('pairedDifferences: b must have as many values as a (3), received 2.');
    expect(() => pairedDifferences([1, Number.NaN], [1, 2])).toThrow('pairedDifferences: a[1] must be a finite number, received NaN.');
  });
});

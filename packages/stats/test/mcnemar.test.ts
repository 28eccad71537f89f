import { describe, expect, it } from 'vitest';
import { mcnemarFromOutcomes, mcnemarTest } from '../src/index.js';

describe("McNemar's test", () => {
  it('reproduces the textbook example (Fagerland et al. 2013: b = 1, c = 7)', () => {
    // Their Table 3 (airway hyper-responsiveness, Bentur et al.): exact conditional p = 0.070, mid-p = 0.039.
    // By hand: P(X <= 1), X ~ Bin(8, 1/2), is 9/256; exact = 18/256, mid-p = 18/256 - 8/256.
    const r = mcnemarTest(1, 7);
    expect(r.exactP).toBeCloseTo(18 / 256, 14);
    expect(r.midP).toBeCloseTo(10 / 256, 14);
    expect(r.exactP.toFixed(3)).toBe('0.070');
    expect(r.midP.toFixed(3)).toBe('0.039');
  });

  it('is symmetric in b and c and gives 1 for equal counts', () => {
    expect(mcnemarTest(7, 1)).toEqual({ ...mcnemarTest(1, 7), b: 7, c: 1 });
    expect(mcnemarTest(5, 5).exactP).toBe(1);
    expect(mcnemarTest(5, 5).midP).toBeCloseTo(1, 14);
    expect(mcnemarTest(0, 0)).toMatchObject({ exactP: 1, midP: 1 });
  });

  it('stays accurate for large counts', () => {
    // b = 150, c = 86 (Agresti 2013, Table 11.1; z^2 = 17.36): exact p from scipy.stats.binomtest(86, 236).
    const r = mcnemarTest(150, 86);
    expect(r.exactP / 3.7159361395713866e-5).toBeCloseTo(1, 10);
    expect(mcnemarTest(0, 10).exactP).toBeCloseTo(2 / 1024, 14);
  });

  it('counts the discordant examples from per-example correctness', () => {
    const a = [1, 1, 0, 0, 1, true, false];
    const b = [1, 0, 1, 0, 0, false, false];
    expect(mcnemarFromOutcomes(a, b)).toMatchObject({ b: 3, c: 1 });
  });

  it('rejects bad arguments', () => {
    expect(() => mcnemarTest(1.5, 2)).toThrow('mcnemarTest: b must be a non-negative integer, received 1.5.');
    expect(() => mcnemarFromOutcomes([1, 2], [1, 0])).toThrow('mcnemarFromOutcomes: correctA[1] must be 0, 1, true or false, received 2.');
    expect(() => mcnemarFromOutcomes([1], [1, 0])).toThrow('mcnemarFromOutcomes: correctB must have as many values as correctA (1), received 2.');
  });
});

import { describe, expect, it } from 'vitest';
import { fraction, gigaPerSecond, speedup, summarize } from '../src/stats.js';

describe('summaries (quantiles from @batchwise/stats)', () => {
  it('summarizes runs with min, max and interquartile spread over the median', () => {
    const s = summarize([12, 10, 11, 30, 9]);
    expect(s).toEqual({ runs: 5, medianMs: 11, minMs: 9, maxMs: 30, relativeSpread: (12 - 10) / 11, timesMs: [12, 10, 11, 30, 9] });
  });
});

describe('rates and ratios', () => {
  it('turns work and milliseconds into G per second', () => {
    expect(gigaPerSecond(2 * 1024 ** 3, 10)).toBeCloseTo(214.748, 3);
    expect(gigaPerSecond(12e6, 1)).toBeCloseTo(12, 12);
  });

  it('speedup is peer time over our time, undefined when a side is missing', () => {
    expect(speedup(2, 6)).toBe(3);
    expect(speedup(4, 2)).toBe(0.5);
    expect(speedup(undefined, 2)).toBeUndefined();
    expect(speedup(2, undefined)).toBeUndefined();
    expect(speedup(0, 2)).toBeUndefined();
  });

  it('fraction divides and guards a missing or zero whole', () => {
    expect(fraction(70, 100)).toBe(0.7);
    expect(fraction(1, 0)).toBeUndefined();
    expect(fraction(undefined, 1)).toBeUndefined();
  });
});

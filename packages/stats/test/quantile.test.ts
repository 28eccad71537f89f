import { InvalidArgumentError } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { median, percentile, quantile, sortedAscending } from '../src/index.js';

// numpy.percentile / R quantile(type = 7) values.
describe('quantile (type 7, linear between ranks)', () => {
  it('matches numpy and R', () => {
    expect(percentile([1, 2, 3, 4, 5], 15)).toBeCloseTo(1.6, 14);
    expect(quantile([1, 3, 7, 10], 0.3)).toBeCloseTo(2.8, 14);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
    expect(quantile([4], 0.9)).toBe(4);
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 9, 100])).toBe(10); // numeric order, not the string order of Array.sort
  });

  it('sorts numerically into a float64 copy', () => {
    const values = [10, 9, 100, -1];
    expect(Array.from(sortedAscending(values))).toEqual([-1, 9, 10, 100]);
    expect(values).toEqual([10, 9, 100, -1]);
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => quantile([], 0.5)).toThrow('quantile: values must not be empty, received 0 values.');
    expect(() => quantile([1], 2)).toThrow('quantile: q must be in [0, 1], received 2.');
    expect(() => quantile([2, 1], 0.5)).toThrow('quantile: values must be sorted ascending and not NaN, received 1 at index 1 after 2.');
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(InvalidArgumentError);
    expect(() => percentile([1], 101)).toThrow('percentile: p must be in [0, 100], received 101.');
    expect(() => median([])).toThrow('median: values must hold at least 1 value, received 0.');
    expect(() => median([1, Number.POSITIVE_INFINITY])).toThrow('median: values[1] must be a finite number, received Infinity.');
  });
});

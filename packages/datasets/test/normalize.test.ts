import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { carRental } from '../src/car-rental.js';
import { columnStats, minMaxScale, standardize } from '../src/normalize.js';

describe('columnStats / standardize / minMaxScale', () => {
  it('computes biased std in two passes, exact on data offset by 1e4', () => {
    const s = columnStats(tensor([10000, 1, 10002, 1, 10004, 1], [3, 2]));
    expect([...s.mean]).toEqual([10002, 1]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBe(0);
    expect([...s.min]).toEqual([10000, 1]);
    expect([...s.max]).toEqual([10004, 1]);
  });

  it('brings car-rental features to mean 0 / std 1 and to [0, 1]', () => {
    const { features } = carRental({ n: 2000, seed: 5 });
    const z = columnStats(standardize(features));
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(z.mean[c])).toBeLessThan(1e-6);
      expect(z.std[c]).toBeCloseTo(1, 5);
    }
    const m = columnStats(minMaxScale(features));
    expect([...m.min]).toEqual([0, 0]);
    expect([...m.max]).toEqual([1, 1]);
  });

  it('maps a constant column to 0 and reuses fitted stats on new data', () => {
    const train = tensor([1, 5, 3, 5], [2, 2]);
    const stats = columnStats(train);
    expect([...standardize(train).data]).toEqual([-1, 0, 1, 0]);
    expect([...minMaxScale(tensor([2, 5], [1, 2]), stats).data]).toEqual([0.5, 0]);
    expect(() => standardize(tensor([1, 2, 3], [1, 3]), stats)).toThrow(
      'standardize: stats.mean must be a Float64Array of 3 columns, received 2.',
    );
  });
});

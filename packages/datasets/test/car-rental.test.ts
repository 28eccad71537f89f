import { InvalidArgumentError } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { carRental, carRentalPrice } from '../src/car-rental.js';

describe('carRental', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = carRental({ n: 200, seed: 7 });
    const b = carRental({ n: 200, seed: 7 });
    const c = carRental({ n: 200, seed: 8 });
    expect([...a.features.data]).toEqual([...b.features.data]);
    expect([...a.target.data]).toEqual([...b.target.data]);
    expect([...a.features.data]).not.toEqual([...c.features.data]);
  });

  it('has shapes [n, 2] and [n, 1] and features in their ranges, on very different scales', () => {
    const d = carRental({ n: 5000, seed: 1 });
    expect(d.features.shape).toEqual([5000, 2]);
    expect(d.target.shape).toEqual([5000, 1]);
    expect(d.featureNames).toEqual(['ageYears', 'km']);
    expect(d.targetName).toBe('pricePerDay');
    const age = d.features.data.filter((_, i) => i % 2 === 0);
    const km = d.features.data.filter((_, i) => i % 2 === 1);
    expect(Math.min(...age)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...age)).toBeLessThanOrEqual(30);
    expect(Math.max(...age)).toBeGreaterThan(29); // the whole range is used
    expect(Math.min(...km)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...km)).toBeLessThanOrEqual(300_000);
    expect(Math.max(...km)).toBeGreaterThan(290_000);
  });

  it('follows the documented formula exactly with noise 0, and keeps the features for every noise', () => {
    const exact = carRental({ n: 300, seed: 3, noise: 0 });
    const noisy = carRental({ n: 300, seed: 3, noise: 5 });
    expect([...noisy.features.data]).toEqual([...exact.features.data]);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 300; i++) {
      const p = carRentalPrice(exact.features.data[2 * i], exact.features.data[2 * i + 1]);
      expect(exact.target.data[i]).toBe(Math.fround(p));
      expect(p).toBeGreaterThan(17.2);
      expect(p).toBeLessThanOrEqual(90);
      const e = noisy.target.data[i] - p;
      sum += e;
      sq += e * e;
    }
    // Residual mean and std of 300 N(0, 5²) draws: loose bounds (5+ standard errors).
    expect(Math.abs(sum / 300)).toBeLessThan(1.5);
    expect(Math.sqrt(sq / 300)).toBeGreaterThan(4);
    expect(Math.sqrt(sq / 300)).toBeLessThan(6);
  });

  it('prices the corners of the feature box as documented', () => {
    expect(carRentalPrice(0, 0)).toBe(90);
    expect(carRentalPrice(30, 300_000)).toBeCloseTo(15 + 45 * Math.exp(-3), 12);
  });

  it('defaults to 1000 cars', () => {
    expect(carRental({ seed: 0 }).features.shape).toEqual([1000, 2]);
  });

  it.each([
    [{ seed: 1, n: 0 }, 'carRental: n must be a positive integer, received 0.'],
    [{ seed: 1.5 }, 'carRental: seed must be an integer, received 1.5.'],
    [{}, 'carRental: seed must be a finite number, received undefined.'],
    [{ seed: 1, noise: -1 }, 'carRental: noise must be >= 0, received -1.'],
    [{ seed: 1, noise: NaN }, 'carRental: noise must be a finite number, received NaN.'],
    [{ seed: 1, rows: 5 }, "carRental: options must only have keys 'n', 'seed', 'noise', received 'rows'."],
  ])('rejects %j', (options, message) => {
    const call = () => carRental(options as never);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });
});

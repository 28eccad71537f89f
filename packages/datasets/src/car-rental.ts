import { assertFiniteNumber, assertPositiveInt, InvalidArgumentError, Random, Tensor } from '@batchwise/core';
import { checkOptions } from './options.js';
import type { TabularDataset } from './tabular.js';

export interface CarRentalOptions {
  /** Number of cars; default 1000. */
  n?: number;
  /** Seed of the generator (required: every random result in batchwise is reproducible). */
  seed: number;
  /** Standard deviation of the Gaussian price noise, in euros; default 2. 0 gives the exact formula. */
  noise?: number;
}

/** Defaults of {@link CarRentalOptions}, used by the code and quoted by the docs. */
export const CAR_RENTAL_DEFAULTS = { n: 1000, noise: 2 } as const;

/** Feature ranges: [0, 30) years and [0, 300 000) km, the scales of the article's example. */
export const CAR_AGE_MAX_YEARS = 30;
export const CAR_KM_MAX = 300_000;

/**
 * The noiseless daily price in euros of a car `ageYears` old that has
 * driven `km` kilometres:
 *
 *   price = 15 + 45·exp(−age / 10) + 30·(1 − km / 300 000)
 *
 * Age costs up to 45 € (fast at first, like depreciation), mileage up to 30 €
 * (linearly), over a 15 € floor: so the price spans about 17.2 .. 90 €, and
 * both features matter although km is 10 000 times larger than age.
 */
export function carRentalPrice(ageYears: number, km: number): number {
  return 15 + 45 * Math.exp(-ageYears / 10) + 30 * (1 - km / CAR_KM_MAX);
}

/**
 * A generated regression set in the spirit of the article's car-rental
 * example (section 2): features `[ageYears, km]` on wildly different scales,
 * target the daily price `carRentalPrice(age, km) + noise·N(0, 1)`.
 *
 * Per car, in this order: age ~ U[0, 30), km ~ U[0, 300 000), z ~ N(0, 1),
 * all from one `Random(seed)`; three draws per car whatever `noise` is, so
 * the features for a seed do not depend on the noise level. The price is
 * computed from the float32-rounded features, so the formula holds on the
 * stored data exactly up to float32 rounding of the price itself.
 */
export function carRental(options: CarRentalOptions): TabularDataset {
  const fn = 'carRental';
  const o = checkOptions(fn, options, ['n', 'seed', 'noise']);
  const n = o.n ?? CAR_RENTAL_DEFAULTS.n;
  assertPositiveInt(fn, 'n', n);
  assertFiniteNumber(fn, 'seed', o.seed);
  if (!Number.isInteger(o.seed)) throw new InvalidArgumentError(`${fn}: seed must be an integer, received ${o.seed}.`);
  const noise = o.noise ?? CAR_RENTAL_DEFAULTS.noise;
  assertFiniteNumber(fn, 'noise', noise);
  if (noise < 0) throw new InvalidArgumentError(`${fn}: noise must be >= 0, received ${noise}.`);

  const rng = new Random(o.seed);
  const features = new Float32Array(n * 2);
  const price = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const age = Math.fround(rng.uniform(0, CAR_AGE_MAX_YEARS));
    const km = Math.fround(rng.uniform(0, CAR_KM_MAX));
    const z = rng.normal();
    features[2 * i] = age;
    features[2 * i + 1] = km;
    price[i] = carRentalPrice(age, km) + noise * z;
  }
  return {
    features: new Tensor(features, [n, 2]),
    target: new Tensor(price, [n, 1]),
    featureNames: ['ageYears', 'km'],
    targetName: 'pricePerDay',
  };
}

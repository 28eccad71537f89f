import { describeValue, InvalidArgumentError, Random } from '@batchwise/core';
import { checkPaired, checkProbability } from './checks.js';
import { quantile } from './quantile.js';

/*
 * The paired bootstrap (Efron & Tibshirani 1993, ch. 13; for classifiers
 * compared on one test set, Koehn 2004): resample the examples with
 * replacement, keeping each example's pair together, and read the interval
 * of the mean difference off the percentiles of the resampled differences.
 * It measures how much the comparison depends on which test examples were
 * drawn; training noise (the seed) is a separate question.
 */

export const BOOTSTRAP_DEFAULTS = { resamples: 10_000, level: 0.95 } as const;

export interface BootstrapOptions {
  /** Seed of the resampling: the same seed gives the same interval. Required. */
  seed: number;
  /** Number of resamples; default 10,000. */
  resamples?: number;
  /** Confidence level; default 0.95. */
  level?: number;
  /**
   * Compare f(mean(a)) - f(mean(b)) instead of the means themselves, e.g.
   * Math.sqrt on per-example squared errors for a difference of RMSEs.
   * Default: the identity.
   */
  transform?: (mean: number) => number;
}

export interface BootstrapInterval {
  /** f(mean(a)) - f(mean(b)) on the original sample (f = the transform, default identity). */
  estimate: number;
  /** Percentile interval of the resampled mean differences. */
  lower: number;
  upper: number;
  /** Standard deviation of the resampled mean differences. */
  standardError: number;
  level: number;
  resamples: number;
  seed: number;
}

export function pairedBootstrap(a: ArrayLike<number>, b: ArrayLike<number>, options: BootstrapOptions): BootstrapInterval {
  const fn = 'pairedBootstrap';
  checkPaired(fn, a, b, 1);
  const seed = options?.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new InvalidArgumentError(`${fn}: seed must be an integer, received ${describeValue(seed)}.`);
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  if (!Number.isInteger(resamples) || resamples < 100) throw new InvalidArgumentError(`${fn}: resamples must be an integer >= 100, received ${describeValue(resamples)}.`);
  const level = options.level ?? BOOTSTRAP_DEFAULTS.level;
  checkProbability(fn, 'level', level);
  const transform = options.transform;
  if (transform !== undefined && typeof transform !== 'function') throw new InvalidArgumentError(`${fn}: transform must be a function, received ${describeValue(transform)}.`);
  const n = a.length;
  const statistic = (sumA: number, sumB: number) => (transform ? transform(sumA / n) - transform(sumB / n) : (sumA - sumB) / n);
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < n; i++) {
    sumA += a[i];
    sumB += b[i];
  }
  const rng = new Random(seed);
  const stats = new Float64Array(resamples);
  let total = 0;
  for (let r = 0; r < resamples; r++) {
    let ra = 0;
    let rb = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      ra += a[k];
      rb += b[k];
    }
    stats[r] = statistic(ra, rb);
    total += stats[r];
  }
  const m = total / resamples;
  let ss = 0;
  for (let r = 0; r < resamples; r++) ss += (stats[r] - m) ** 2;
  stats.sort();
  const alpha = 1 - level;
  return {
    estimate: statistic(sumA, sumB),
    lower: quantile(stats, alpha / 2),
    upper: quantile(stats, 1 - alpha / 2),
    standardError: Math.sqrt(ss / (resamples - 1)),
    level,
    resamples,
    seed,
  };
}

import { describeValue, InvalidArgumentError } from '@batchwise/core';
import { checkProbability } from './checks.js';
import { studentTQuantile } from './t-distribution.js';

/*
 * How many paired units (seeds) a paired t-test needs to detect a mean
 * difference `delta` with standard deviation `sd` of the differences, at a
 * two-sided level and a power: the smallest n with
 *   n >= ((t_{1-alpha/2, n-1} + t_{power, n-1}) * sd / delta)^2,
 * the usual iteration (Cohen 1988; it agrees with R's power.t.test, which
 * uses the noncentral t, to the next integer for the usual settings:
 * delta/sd = 1 gives 10, 0.5 gives 34). It answers "not distinguishable with
 * N seeds; about M would be needed" with M taken from the observed effect,
 * so it is a rough guide, not a promise.
 */

export const SAMPLE_SIZE_DEFAULTS = { level: 0.95, power: 0.8, max: 100_000 } as const;

/** Seeds needed, or Infinity when delta is 0 or more than `max` would be. */
export function pairedSampleSize(delta: number, sd: number, options: { level?: number; power?: number; max?: number } = {}): number {
  const fn = 'pairedSampleSize';
  if (typeof delta !== 'number' || !Number.isFinite(delta)) throw new InvalidArgumentError(`${fn}: delta must be a finite number, received ${describeValue(delta)}.`);
  if (typeof sd !== 'number' || !Number.isFinite(sd) || sd < 0) throw new InvalidArgumentError(`${fn}: sd must be a finite number >= 0, received ${describeValue(sd)}.`);
  const level = options.level ?? SAMPLE_SIZE_DEFAULTS.level;
  const power = options.power ?? SAMPLE_SIZE_DEFAULTS.power;
  const max = options.max ?? SAMPLE_SIZE_DEFAULTS.max;
  checkProbability(fn, 'level', level);
  checkProbability(fn, 'power', power);
  if (delta === 0) return Infinity;
  if (sd === 0) return 2;
  const effect = Math.abs(delta) / sd;
  const needs = (n: number) => ((studentTQuantile(1 - (1 - level) / 2, n - 1) + studentTQuantile(power, n - 1)) / effect) ** 2;
  // needs(n) falls as n grows (the t quantiles shrink), so the first n that covers it is the answer.
  if (needs(max) > max) return Infinity;
  let lo = 2;
  let hi = max;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid >= needs(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

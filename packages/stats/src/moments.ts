import { checkSample } from './checks.js';

/*
 * Mean and spread, accumulated in float64 and in two passes (mean, then
 * squared deviations): E[x^2] - E[x]^2 loses every digit on data offset by
 * a large constant.
 */

export function mean(values: ArrayLike<number>): number {
  checkSample('mean', 'values', values, 1);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample variance, with Bessel's n - 1: an unbiased estimate from a few seeds. */
export function sampleVariance(values: ArrayLike<number>): number {
  checkSample('sampleVariance', 'values', values, 2);
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - m) ** 2;
  return ss / (values.length - 1);
}

/** Sample standard deviation (n - 1). */
export function standardDeviation(values: ArrayLike<number>): number {
  checkSample('standardDeviation', 'values', values, 2);
  return Math.sqrt(sampleVariance(values));
}

import { checkDegrees, checkProbability, checkSample } from './checks.js';
import { mean, standardDeviation } from './moments.js';
import { regularizedIncompleteBeta } from './special-functions.js';

/*
 * Student's t distribution: with 3 to 5 seeds the spread is itself
 * uncertain, and the normal 1.96 would understate an interval by a factor
 * of up to 2.2 (t with 2 degrees of freedom is 4.30 at 97.5 %).
 */

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDegrees('studentTCdf', df);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  // P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2).
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t: the t with P(T <= t) = p. */
export function studentTQuantile(p: number, df: number): number {
  checkProbability('studentTQuantile', 'p', p);
  checkDegrees('studentTQuantile', df);
  if (p === 0.5) return 0;
  // The distribution is symmetric: solve for the upper half and mirror.
  const upper = p > 0.5 ? p : 1 - p;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < upper) {
    lo = hi;
    hi *= 2;
  }
  // Bisection: the cdf is monotone, and 200 halvings reach the float64 resolution of any bracket.
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < upper) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p > 0.5 ? t : -t;
}

/** Defaults of the interval functions. */
export const INTERVAL_DEFAULTS = { level: 0.95 } as const;

export interface TInterval {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  sd: number;
  /** sd / sqrt(n). */
  standardError: number;
  df: number;
  /** The t quantile used: t_{(1 + level) / 2, n - 1}. */
  t: number;
  level: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

/** Two-sided t confidence interval for the mean of a small sample (at least 2 values). */
export function tInterval(values: ArrayLike<number>, options: { level?: number } = {}): TInterval {
  checkSample('tInterval', 'values', values, 2);
  const level = options.level ?? INTERVAL_DEFAULTS.level;
  checkProbability('tInterval', 'level', level);
  const n = values.length;
  const m = mean(values);
  const sd = standardDeviation(values);
  const standardError = sd / Math.sqrt(n);
  const t = studentTQuantile((1 + level) / 2, n - 1);
  const halfWidth = t * standardError;
  return { n, mean: m, sd, standardError, df: n - 1, t, level, lower: m - halfWidth, upper: m + halfWidth, halfWidth };
}

import { mean, tInterval } from '@batchwise/stats';
import type { PlotPoint } from '../report/plot-spec.js';

/*
 * Seed-level summaries: the mean over seeds and its two-sided t-interval
 * (Student's t with n - 1 degrees of freedom: with 3 seeds the 95 % factor
 * is 4.30, not 1.96). Every headline number and every curve point of the
 * experiments is one of these.
 */

/** The confidence level of every interval and test in the reports. */
export const LEVEL = 0.95;

export interface Interval {
  mean: number;
  lower: number;
  upper: number;
  /** Values summarized (seeds). */
  n: number;
}

/** Mean and t-interval of finite values; NaN bounds (and a NaN mean if none) when there are fewer than 2. */
export function intervalOf(values: readonly number[]): Interval {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: Number.NaN, lower: Number.NaN, upper: Number.NaN, n: 0 };
  if (finite.length === 1) return { mean: finite[0], lower: Number.NaN, upper: Number.NaN, n: 1 };
  const t = tInterval(finite, { level: LEVEL });
  return { mean: t.mean, lower: t.lower, upper: t.upper, n: finite.length };
}

/**
 * A mean curve with its t-band from per-seed values at the same x. A point
 * where any seed is non-finite (a diverged run) is non-finite itself: a
 * mean over the seeds that survived would hide the divergence.
 */
export function meanCurve(xs: readonly number[], perSeed: readonly (readonly number[])[]): PlotPoint[] {
  return xs.map((x, i) => {
    const values = perSeed.map((s) => s[i] ?? Number.NaN);
    if (values.some((v) => !Number.isFinite(v))) return { x, y: Number.NaN };
    const iv = intervalOf(values);
    return Number.isFinite(iv.lower) ? { x, y: iv.mean, lower: iv.lower, upper: iv.upper } : { x, y: iv.mean };
  });
}

/** "94.1% [93.8%, 94.4%]" with any formatter; the bracket is the 95 % t-interval over seeds. */
export function formatInterval(iv: Interval, format: (v: number) => string): string {
  if (!Number.isFinite(iv.mean)) return 'n/a';
  if (!Number.isFinite(iv.lower)) return format(iv.mean);
  return `${format(iv.mean)} [${format(iv.lower)}, ${format(iv.upper)}]`;
}

export function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : mean(values);
}

/** Geometric mean and interval: the t-interval of the logarithms, exponentiated (for step counts and ratios). */
export function geometricIntervalOf(values: readonly number[]): Interval {
  const iv = intervalOf(values.map(Math.log));
  return { mean: Math.exp(iv.mean), lower: Math.exp(iv.lower), upper: Math.exp(iv.upper), n: iv.n };
}

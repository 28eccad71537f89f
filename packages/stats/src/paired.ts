import { checkPaired, checkProbability } from './checks.js';
import { INTERVAL_DEFAULTS, studentTCdf, tInterval, type TInterval } from './t-distribution.js';

/*
 * Two conditions measured on the same units (the same seeds, so the same
 * initial weights and batch order): their difference per unit removes what
 * the units share, and the t-interval of the differences is the paired
 * comparison (Student 1908; R's t.test(..., paired = TRUE)).
 */

export interface PairedDifferences {
  /** a[i] - b[i]. */
  differences: number[];
  /** t-interval of the mean difference. */
  interval: TInterval;
  /** Mean difference over its standard error (Infinity when every difference is the same nonzero value). */
  tStatistic: number;
  /** Two-sided p-value of "mean difference = 0". */
  pValue: number;
}

export function pairedDifferences(a: ArrayLike<number>, b: ArrayLike<number>, options: { level?: number } = {}): PairedDifferences {
  checkPaired('pairedDifferences', a, b, 2);
  const level = options.level ?? INTERVAL_DEFAULTS.level;
  checkProbability('pairedDifferences', 'level', level);
  const differences = Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
  const interval = tInterval(differences, { level });
  const { mean, standardError, df } = interval;
  // Identical differences: no spread, so the test is decided by whether they are zero.
  const tStatistic = standardError === 0 ? (mean === 0 ? 0 : Math.sign(mean) * Infinity) : mean / standardError;
  const pValue = tStatistic === 0 ? 1 : 2 * studentTCdf(-Math.abs(tStatistic), df);
  return { differences, interval, tStatistic, pValue };
}

import { describeValue, InvalidArgumentError } from '@batchwise/core';
import { checkSample } from './checks.js';

/*
 * The one quantile of the repository: linear interpolation between the two
 * nearest ranks (Hyndman & Fan 1996 type 7, numpy's and R's default), so a
 * median or a percentile means the same in a benchmark table and in an
 * experiment report.
 */

/** The q-quantile (q in [0, 1]) of values sorted ascending. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const fn = 'quantile';
  if (sorted.length === 0) throw new InvalidArgumentError(`${fn}: values must not be empty, received 0 values.`);
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw new InvalidArgumentError(`${fn}: q must be in [0, 1], received ${describeValue(q)}.`);
  for (let i = 0; i < sorted.length; i++) {
    // NaN fails both comparisons, so it is caught here too.
    if (!(sorted[i] >= (i === 0 ? -Infinity : sorted[i - 1]))) {
      throw new InvalidArgumentError(`${fn}: values must be sorted ascending and not NaN, received ${sorted[i]} at index ${i} after ${i === 0 ? 'nothing' : sorted[i - 1]}.`);
    }
  }
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** A float64 copy sorted ascending (numeric order, unlike Array.prototype.sort's default). */
export function sortedAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** The p-th percentile (p in [0, 100]) of unsorted values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw new InvalidArgumentError(`percentile: p must be in [0, 100], received ${describeValue(p)}.`);
  return quantile(sortedAscending(values), p / 100);
}

/** The middle value, or the mean of the two middle values. */
export function median(values: ArrayLike<number>): number {
  checkSample('median', 'values', values, 1);
  return quantile(sortedAscending(values), 0.5);
}

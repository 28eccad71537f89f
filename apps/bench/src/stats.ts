import { quantile, sortedAscending } from '@batchwise/stats';

/*
 * The arithmetic of the report: medians, spreads, rates and ratios. Kept apart
 * from timing so tests can check it with fixed numbers. Quantiles come from
 * @batchwise/stats, the repository's one implementation.
 */

/** Summary of one contender's timings on one kernel, in milliseconds. */
export interface Sample {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Interquartile range over the median: the run-to-run noise. */
  relativeSpread: number;
  /** Every timed run, in run order, for re-analysis from the JSON. */
  timesMs: number[];
}

export function summarize(timesMs: readonly number[]): Sample {
  const sorted = sortedAscending(timesMs);
  const med = quantile(sorted, 0.5);
  return {
    runs: sorted.length,
    medianMs: med,
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    relativeSpread: med > 0 ? (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / med : 0,
    timesMs: [...timesMs],
  };
}

/** Work per second: operations (FLOPs or bytes) done in `ms`, in G per second. */
export function gigaPerSecond(amount: number, ms: number): number {
  return amount / (ms * 1e-3) / 1e9;
}

/**
 * How many times faster `ours` is than `peer` (peer time / our time), so 3
 * means "3x faster". Undefined when either side did not run.
 */
export function speedup(oursMs: number | undefined, peerMs: number | undefined): number | undefined {
  if (oursMs === undefined || peerMs === undefined || !(oursMs > 0) || !(peerMs > 0)) return undefined;
  return peerMs / oursMs;
}

/** part / whole as a fraction, undefined when either is missing. */
export function fraction(part: number | undefined, whole: number | undefined): number | undefined {
  if (part === undefined || whole === undefined || !(whole > 0)) return undefined;
  return part / whole;
}

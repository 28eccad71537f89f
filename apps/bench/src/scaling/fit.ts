/*
 * The fitted exponent of a kernel's cost against its work: the slope of
 * log(time) against log(work) by ordinary least squares. 1 means time grows
 * in proportion to the work; below 1, fixed costs (thread wake-up, call
 * overhead) dominate the small sizes; above 1, larger sizes lose efficiency
 * (caches).
 */

export interface PowerFit {
  /** time ≈ c · work^exponent */
  exponent: number;
  /** Coefficient of determination of the log-log line. */
  r2: number;
  points: number;
}

export function fitExponent(work: readonly number[], ms: readonly number[]): PowerFit | undefined {
  if (work.length !== ms.length) throw new RangeError(`fitExponent: work and ms must have the same length, received ${work.length} and ${ms.length}.`);
  const pts = work.map((w, i) => [w, ms[i]]).filter(([w, t]) => w > 0 && t > 0).map(([w, t]) => [Math.log(w), Math.log(t)]);
  if (pts.length < 2) return undefined;
  const n = pts.length;
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of pts) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) return undefined;
  const exponent = sxy / sxx;
  return { exponent, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy), points: n };
}

/*
 * Float64 references for BatchNormalization's training variants, written
 * from the papers' formulas with plain loops, sharing no code with the layer.
 * Data is rows x C, rows batch-major (sample s owns rows s*positions ..
 * (s+1)*positions - 1), so a run of samples is a run of rows.
 */

export interface Moments {
  mean: Float64Array;
  variance: Float64Array;
}

/** Mean and biased variance per column over rows [start, end), two passes. */
export function moments(x: ArrayLike<number>, c: number, start: number, end: number): Moments {
  const n = end - start;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let r = start; r < end; r++) s += x[r * c + j];
    mean[j] = s / n;
    let q = 0;
    for (let r = start; r < end; r++) q += (x[r * c + j] - mean[j]) ** 2;
    variance[j] = q / n;
  }
  return { mean, variance };
}

/** y = gamma * ((x - mean) / sqrt(var + eps) * r + d) + beta over rows [start, end); r = 1, d = 0 is plain batch norm. */
export function normalizeRows(
  x: ArrayLike<number>, y: Float64Array, c: number, start: number, end: number, m: Moments,
  p: { gamma: ArrayLike<number>; beta: ArrayLike<number>; epsilon: number; r?: ArrayLike<number>; d?: ArrayLike<number> },
): void {
  for (let r = start; r < end; r++) {
    for (let j = 0; j < c; j++) {
      const xhat = (x[r * c + j] - m.mean[j]) / Math.sqrt(m.variance[j] + p.epsilon);
      y[r * c + j] = p.gamma[j] * (xhat * (p.r ? p.r[j] : 1) + (p.d ? p.d[j] : 0)) + p.beta[j];
    }
  }
}

/** Plain training-mode batch norm. */
export function batchNormRef(x: ArrayLike<number>, c: number, p: { gamma: ArrayLike<number>; beta: ArrayLike<number>; epsilon: number }) {
  const rows = x.length / c;
  const m = moments(x, c, 0, rows);
  const y = new Float64Array(x.length);
  normalizeRows(x, y, c, 0, rows, m, p);
  return { y, ...m };
}

/**
 * Ghost batch norm (Hoffer et al. 2017): runs of `virtual` samples (the last holds the rest), each
 * normalized alone; moving-average statistics are the size-weighted means of the ghost means and
 * variances (Keras 2).
 */
export function ghostRef(x: ArrayLike<number>, c: number, samples: number, virtual: number, p: { gamma: ArrayLike<number>; beta: ArrayLike<number>; epsilon: number }) {
  const positions = x.length / c / samples;
  const y = new Float64Array(x.length);
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let s0 = 0; s0 < samples; s0 += virtual) {
    const s1 = Math.min(samples, s0 + virtual);
    const m = moments(x, c, s0 * positions, s1 * positions);
    normalizeRows(x, y, c, s0 * positions, s1 * positions, m, p);
    for (let j = 0; j < c; j++) {
      mean[j] += ((s1 - s0) / samples) * m.mean[j];
      variance[j] += ((s1 - s0) / samples) * m.variance[j];
    }
  }
  return { y, mean, variance };
}

/** r and d of batch renormalization (Ioffe 2017) against averages mu, sigma (sigma floored at sqrt(eps), as Keras 2). */
export function renormCorrection(m: Moments, mu: ArrayLike<number>, sigma: ArrayLike<number>, epsilon: number, clip: { rmin: number; rmax: number; dmax: number }) {
  const c = m.mean.length;
  const r = new Float64Array(c);
  const d = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    const s = Math.max(sigma[j], Math.sqrt(epsilon));
    r[j] = Math.min(clip.rmax, Math.max(clip.rmin, Math.sqrt(m.variance[j] + epsilon) / s));
    d[j] = Math.min(clip.dmax, Math.max(-clip.dmax, (m.mean[j] - mu[j]) / s));
  }
  return { r, d };
}

/** Batch renormalization forward; r and d given (frozen) or computed from x. */
export function renormRef(
  x: ArrayLike<number>, c: number,
  p: { gamma: ArrayLike<number>; beta: ArrayLike<number>; epsilon: number; mu: ArrayLike<number>; sigma: ArrayLike<number>; clip: { rmin: number; rmax: number; dmax: number } },
  frozen?: { r: ArrayLike<number>; d: ArrayLike<number> },
) {
  const rows = x.length / c;
  const m = moments(x, c, 0, rows);
  const rd = frozen ?? renormCorrection(m, p.mu, p.sigma, p.epsilon, p.clip);
  const y = new Float64Array(x.length);
  normalizeRows(x, y, c, 0, rows, m, { ...p, r: rd.r, d: rd.d });
  return { y, ...m, r: rd.r, d: rd.d };
}

/** Central finite differences of sum(w * f(v)) with respect to every element of v, in float64. */
export function finiteDifferences(v: ArrayLike<number>, w: ArrayLike<number>, f: (v: Float64Array) => Float64Array, step = 1e-6): Float64Array {
  const at = Float64Array.from(v);
  const grad = new Float64Array(at.length);
  const dot = (y: Float64Array) => y.reduce((s, yi, i) => s + yi * w[i], 0);
  for (let i = 0; i < at.length; i++) {
    const saved = at[i];
    at[i] = saved + step;
    const up = dot(f(at));
    at[i] = saved - step;
    const down = dot(f(at));
    at[i] = saved;
    grad[i] = (up - down) / (2 * step);
  }
  return grad;
}

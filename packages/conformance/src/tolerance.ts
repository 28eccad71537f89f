/*
 * Closeness of a backend's float32 result to the float64 reference:
 * `|a - e| <= atol + rtol * |e|` (STYLE.md section 5). NaN never matches and
 * ±Infinity matches only itself. The expected value is first rounded to
 * float32, the best any float32 backend can return (so exp(100) expects
 * Infinity, not 2.7e43).
 */

export interface Tolerance {
  /** Absolute slack, for results near zero where a relative bound means nothing. */
  atol: number;
  /** Relative slack, in units of |expected|. */
  rtol: number;
}

/**
 * Exact kernels (copies, transposes, relu, max, argmax, masks): the result is one
 * of the inputs or a single correctly rounded operation, so no slack at all.
 */
export const EXACT: Tolerance = { atol: 0, rtol: 0 };

/**
 * One float32 operation per element (add, mul, exp, sigmoid...). Correct rounding
 * is within 0.5 ulp (6e-8 relative); 1e-6 leaves room for SIMD approximations of
 * exp/log/tanh of a few ulps, and atol 1e-7 for results that cancel to ~0.
 */
export const ELEMENTWISE: Tolerance = { atol: 1e-7, rtol: 1e-6 };

/**
 * Kernels chaining a handful of float32 operations per element (softmax,
 * activation backward, biasAdd with cancellation, optimizer steps): about 10
 * roundings, each up to 6e-8 relative.
 */
export const FEW_OPS: Tolerance = { atol: 1e-6, rtol: 1e-5 };

/**
 * Float32 slack added per accumulated term of a dot product or sum. A
 * sequential float32 sum of K terms of size ~1 has partial sums ~sqrt(K) and K
 * roundings of 6e-8 * sqrt(K), a random walk of about 6e-8 * K; 2e-7 * K is
 * three times that, and still far below the size of one missing term (~1),
 * which is what an indexing or padding bug costs.
 */
export const ATOL_PER_TERM = 2e-7;

/** Relative part of an accumulated result: float32 partial sums, 1e-5 = ~170 ulps. */
export const RTOL_ACCUMULATED = 1e-5;

/** Tolerance of a result that sums `terms` products of inputs of size ~1. */
export function accumulated(terms: number, floor = 1e-6): Tolerance {
  return { atol: Math.max(floor, terms * ATOL_PER_TERM), rtol: RTOL_ACCUMULATED };
}

/** What one comparison found: the worst element, and whether every element was close. */
export interface Comparison {
  pass: boolean;
  /** Largest |received - expected| over elements (Infinity when a NaN or an infinity mismatches). */
  maxError: number;
  /** Index of the element that fails worst (or the largest error when all pass); -1 when empty. */
  worstIndex: number;
  expected: number;
  received: number;
  /** Set when the two arrays differ in length. */
  lengthMismatch?: { expected: number; received: number };
}

/** Whether one received value is close to one expected value (expected already float32-rounded). */
export function isClose(received: number, expected: number, tol: Tolerance): boolean {
  if (Number.isNaN(received) || Number.isNaN(expected)) return false;
  if (!Number.isFinite(expected) || !Number.isFinite(received)) return received === expected;
  return Math.abs(received - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

/**
 * Elementwise comparison of a result against its expectation. `roundExpected`
 * (default true) rounds the expected side to float32 first; float64-to-float64
 * comparisons (the finite-difference checks) turn it off.
 */
export function compareArrays(
  expected: ArrayLike<number>,
  received: ArrayLike<number>,
  tol: Tolerance,
  roundExpected = true,
): Comparison {
  const round = roundExpected ? Math.fround : (v: number) => v;
  if (expected.length !== received.length) {
    return {
      pass: false, maxError: Infinity, worstIndex: -1, expected: NaN, received: NaN,
      lengthMismatch: { expected: expected.length, received: received.length },
    };
  }
  let pass = true;
  let maxError = 0;
  let worstIndex = -1;
  let worstError = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = round(expected[i]);
    const r = received[i];
    const close = isClose(r, e, tol);
    const err = close && !Number.isFinite(e) ? 0 : Number.isNaN(r - e) ? Infinity : Math.abs(r - e);
    if (err > maxError) maxError = err;
    // Report the largest error; once anything fails, the largest failing one, so the index points at a failure.
    if (!close && pass) {
      pass = false;
      worstError = -1;
    }
    if ((pass || !close) && err > worstError) {
      worstIndex = i;
      worstError = err;
    }
  }
  return {
    pass,
    maxError,
    worstIndex,
    expected: worstIndex >= 0 ? round(expected[worstIndex]) : NaN,
    received: worstIndex >= 0 ? received[worstIndex] : NaN,
  };
}

/** Multi-index of a flat row-major index, e.g. `[0,2,3,1]`, for failure messages. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] || 1;
    out[i] = rest % d;
    rest = Math.floor(rest / d);
  }
  return out;
}

export function formatTolerance(tol: Tolerance): string {
  return `atol ${tol.atol}, rtol ${tol.rtol}`;
}

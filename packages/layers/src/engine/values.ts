import { InvalidArgumentError, fill, formatShape, ops, tidy, type Tensor } from '@batchwise/core';

/*
 * Where values leave the library. Layers compute with kernels (`ops.*`) and
 * read tensor memory in JavaScript only here: a loss or metric for the logs,
 * the value an error message names, statistics handed to users and bytes
 * written to files. A backend whose memory is not a JavaScript array would
 * copy out at these calls and nowhere else.
 */

/** The single value of a one-element tensor (a loss, a metric, a finite-check result). */
export function readScalar(t: Tensor): number {
  if (t.size !== 1) throw new InvalidArgumentError(`readScalar: t must hold one value, received shape ${formatShape(t.shape)}.`);
  return t.data[0];
}

/** Every value of t, row-major. A view of the tensor's memory: read it, never write it. */
export function readValues(t: Tensor): Float32Array {
  return t.data;
}

/**
 * Below this many values, allFinite reads them in JavaScript: a kernel call costs more than
 * the scan. Larger tensors are checked on the backend (one sum; max |t| only when it is not finite).
 */
export const FINITE_SCAN_BELOW = 4096;

/**
 * Whether every value of t is finite, checked on the backend with one number read out;
 * small tensors are read directly. First the sum of t, one read-only pass (trainOnBatch
 * checks every batch): a NaN or an infinity makes any sum NaN or infinite, so a finite
 * sum settles it. A non-finite sum may also be an overflow of finite values, so then
 * max |t| (two passes and the |t| they allocate) decides.
 */
export function allFinite(t: Tensor): boolean {
  if (t.size === 0) return true;
  const data = t.size < FINITE_SCAN_BELOW ? readableValues(t) : undefined;
  if (data !== undefined) {
    // v - v is 0 for a finite v and NaN for NaN and ±Infinity: one branch-free pass (predict checks
    // every input), in four sums so the additions do not wait on each other.
    let a = 0, b = 0, c = 0, d = 0;
    const n = data.length, whole = n - (n % 4);
    let i = 0;
    for (; i < whole; i += 4) {
      a += data[i] - data[i];
      b += data[i + 1] - data[i + 1];
      c += data[i + 2] - data[i + 2];
      d += data[i + 3] - data[i + 3];
    }
    for (; i < n; i++) a += data[i] - data[i];
    return a + b + c + d === 0;
  }
  return tidy(() => Number.isFinite(readScalar(ops.sum(t))) || Number.isFinite(readScalar(ops.max(ops.abs(t)))));
}

/** Whether every value of t equals c as float32 (NaN equals nothing), read directly: t is small (a per-channel vector). */
export function allEqual(t: Tensor, c: number): boolean {
  const data = readableValues(t);
  if (data === undefined) return tidy(() => readScalar(ops.max(ops.abs(ops.sub(t, fill(t.shape, c))))) === 0);
  const c32 = Math.fround(c);
  for (let i = 0; i < data.length; i++) if (data[i] !== c32) return false;
  return true;
}

/**
 * t's values when JavaScript can read them here, else undefined: a released tensor (its data
 * shorter than its size) goes to the kernels instead, whose validation names it.
 */
function readableValues(t: Tensor): Float32Array | undefined {
  const data = t.data;
  return data.length === t.size ? data : undefined;
}

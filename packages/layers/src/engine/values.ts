import { InvalidArgumentError, formatShape, ops, tidy, type Tensor } from '@batchwise/core';

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

/** Whether every value of t is finite: max |t| on the backend, one number read out. */
export function allFinite(t: Tensor): boolean {
  return t.size === 0 || tidy(() => Number.isFinite(readScalar(ops.max(ops.abs(t)))));
}

import { describeValue, InvalidArgumentError } from '@batchwise/core';

/*
 * Argument checks shared by every function here, so messages read alike:
 * `<function>: <argument> <expected>, received <actual>.`
 */

/** An array (or typed array) of at least `min` finite numbers. */
export function checkSample(fn: string, name: string, values: unknown, min: number): asserts values is ArrayLike<number> {
  const isArrayLike = Array.isArray(values) || ArrayBuffer.isView(values);
  if (!isArrayLike) throw new InvalidArgumentError(`${fn}: ${name} must be an array of numbers, received ${describeValue(values)}.`);
  const list = values as ArrayLike<unknown>;
  if (list.length < min) {
    throw new InvalidArgumentError(`${fn}: ${name} must hold at least ${min} value${min === 1 ? '' : 's'}, received ${list.length}.`);
  }
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`${fn}: ${name}[${i}] must be a finite number, received ${describeValue(v)}.`);
    }
  }
}

/** Two samples paired element by element. */
export function checkPaired(fn: string, a: unknown, b: unknown, min: number): asserts a is ArrayLike<number> {
  checkSample(fn, 'a', a, min);
  checkSample(fn, 'b', b, min);
  if ((a as ArrayLike<number>).length !== (b as ArrayLike<number>).length) {
    throw new InvalidArgumentError(`${fn}: b must have as many values as a (${(a as ArrayLike<number>).length}), received ${(b as ArrayLike<number>).length}.`);
  }
}

/** A probability strictly between 0 and 1 (a confidence level, a power, a quantile's p). */
export function checkProbability(fn: string, name: string, p: unknown): asserts p is number {
  if (typeof p !== 'number' || !(p > 0 && p < 1)) throw new InvalidArgumentError(`${fn}: ${name} must be in (0, 1), received ${describeValue(p)}.`);
}

/** Degrees of freedom: a positive finite number. */
export function checkDegrees(fn: string, df: unknown): asserts df is number {
  if (typeof df !== 'number' || !Number.isFinite(df) || !(df > 0)) {
    throw new InvalidArgumentError(`${fn}: df must be a positive finite number, received ${describeValue(df)}.`);
  }
}

export function checkCount(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a non-negative integer, received ${describeValue(v)}.`);
  }
}

import {
  InvalidArgumentError,
  assertBoolean,
  assertInRange,
  assertOneOf,
  assertPositiveInt,
  describeValue,
  WINDOW_LIMITS,
} from '@batchwise/core';

/*
 * Option checks for layer constructors. They reuse core's assert helpers with
 * the function part set to `<Class> '<name>'`, so every message reads
 * `Dense 'dense_Dense1': units must be a positive integer, received 2.5.`
 */

export function layerLabel(className: string, name: string): string {
  return `${className} '${name}'`;
}

export function checkPositiveInt(where: string, option: string, v: unknown): number {
  assertPositiveInt(where, option, v);
  return v;
}

export function checkBoolean(where: string, option: string, v: unknown): boolean {
  assertBoolean(where, option, v);
  return v;
}

export function checkOneOf<T extends string>(where: string, option: string, v: unknown, allowed: readonly T[]): T {
  assertOneOf(where, option, v, allowed);
  return v;
}

export function checkRange(
  where: string,
  option: string,
  v: unknown,
  low: number,
  high: number,
  open: { lowOpen?: boolean; highOpen?: boolean } = {},
): number {
  assertInRange(where, option, v, low, high, open);
  return v;
}

/**
 * A window option (kernel or pool size, strides, dilation): `3` -> `[3, 3]`;
 * `[2, 3]` stays; anything else, or a value past core's WINDOW_LIMITS, is an
 * error naming the option.
 */
export function checkIntPair(where: string, option: string, v: unknown): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : v;
  if (Array.isArray(pair) && pair.length === 2 && pair.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= 1)) {
    if (pair.every((e) => e <= WINDOW_LIMITS.maxValue)) return [pair[0], pair[1]];
    throw new InvalidArgumentError(
      `${where}: ${option} must be an integer or a pair of integers in [1, ${WINDOW_LIMITS.maxValue}], received ${describeValue(v)}.`,
    );
  }
  throw new InvalidArgumentError(
    `${where}: ${option} must be a positive integer or a pair of positive integers, received ${describeValue(v)}.`,
  );
}

/** An input shape without the batch dimension: positive integers (null allowed for unknown sizes). */
export function checkShapeOption(where: string, option: string, v: unknown, allowNullFirst: boolean): (number | null)[] {
  const ok =
    Array.isArray(v) &&
    v.every((d, i) => (d === null && (allowNullFirst ? i === 0 : false)) || (typeof d === 'number' && Number.isInteger(d) && d >= 1));
  if (!ok) {
    const what = allowNullFirst ? 'an array of positive integers (null first for any batch size)' : 'an array of positive integers';
    throw new InvalidArgumentError(`${where}: ${option} must be ${what}, received ${describeValue(v)}.`);
  }
  return [...(v as (number | null)[])];
}

/** Rejects option keys a layer does not know, so a typo (`kernelsize`) is an error rather than a silent default. */
export function checkKnownOptions(where: string, args: object, known: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!known.includes(key) && (args as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError(`${where}: option names must be one of ${known.join(', ')}, received '${key}'.`);
    }
  }
}

/**
 * Core's reason when a window fails one of its WINDOW_LIMITS (not the plain
 * "does not fit", which the layer's own message already says), as ` (...)` to
 * append; '' otherwise.
 */
export function windowLimitReason(e: unknown, fn: string): string {
  if (!(e instanceof Error) || e.message.includes('does not fit')) return '';
  return ` (${e.message.replace(`${fn}: `, '').replace(/\.$/, '')})`;
}

import { describeValue, InvalidArgumentError } from '@batchwise/core';

/**
 * Checks that `options` is undefined or a plain object holding only known
 * keys: a misspelt `limt: 10` must fail, not load the whole dataset.
 */
export function checkOptions(fn: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(
        `${fn}: options must only have keys ${allowed.map((a) => `'${a}'`).join(', ')}, received '${key}'.`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** A non-empty string option. */
export function checkString(fn: string, name: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v === '') {
    throw new InvalidArgumentError(`${fn}: ${name} must be a non-empty string, received ${describeValue(v)}.`);
  }
}

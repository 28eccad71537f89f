import { parseDecimal } from '@batchwise/datasets';
import { InvalidArgumentError } from 'commander';

/*
 * Option value parsers for commander. They never coerce (STYLE.md section 4):
 * `--epochs 2.5` and `--lr abc` are rejected, not rounded or read as NaN.
 * Numbers are decimal only (@batchwise/datasets' parseDecimal, the CSV rule):
 * `--lr 0x10` is an error, not 16.
 * Commander turns InvalidArgumentError into a usage error (exit code 2).
 */

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`must be a positive integer, received '${value}'.`);
  }
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`must be a non-negative integer, received '${value}'.`);
  }
  return n;
}

/** `Number()` alone read `--lr 0x10` as 16. */
export function parsePositiveNumber(value: string): number {
  const n = parseDecimal(value);
  if (n === undefined || n <= 0) {
    throw new InvalidArgumentError(`must be a positive number, received '${value}'.`);
  }
  return n;
}

/** A seed: any integer, including 0 and negatives. */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`must be an integer, received '${value}'.`);
  }
  return n;
}

/** A comma-separated list of positive numbers, e.g. `--rates 0.01,0.1,1`. */
export function parseNumberList(value: string): number[] {
  const out = value.split(',').map(parseDecimal);
  if (out.some((n) => n === undefined || n <= 0)) {
    throw new InvalidArgumentError(`must be a comma-separated list of positive numbers, received '${value}'.`);
  }
  return out as number[];
}

/** A comma-separated list of names from `choices`, e.g. `--initializers glorot,he`. */
export function parseChoiceList<T extends string>(choices: readonly T[]): (value: string) => T[] {
  return (value: string) => {
    const names = value.split(',').map((s) => s.trim());
    if (names.some((n) => !(choices as readonly string[]).includes(n))) {
      throw new InvalidArgumentError(`must be a comma-separated list of ${choices.join(', ')}, received '${value}'.`);
    }
    return names as T[];
  };
}

import { InvalidArgumentError } from 'commander';

/*
 * Option value parsers for commander. They never coerce (STYLE.md section 4):
 * `--epochs 2.5` and `--lr abc` are rejected, not rounded or read as NaN.
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

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
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
  const parts = value.split(',');
  const out = parts.map((p) => Number(p));
  if (parts.some((p) => p.trim() === '') || out.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new InvalidArgumentError(`must be a comma-separated list of positive numbers, received '${value}'.`);
  }
  return out;
}

import { InvalidArgumentError } from '@batchwise/core';
import { brief } from './brief.js';

/*
 * Shape checks for JSON read from a model file: each names where in the
 * topology the value sits, so a malformed file is one clear line rather than
 * a TypeError from deep inside the reader.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function objectAt(fn: string, where: string, v: unknown): JsonObject {
  if (!isObject(v)) throw new InvalidArgumentError(`${fn}: ${where} must be an object, received ${brief(v)}.`);
  return v;
}

export function listAt(fn: string, where: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new InvalidArgumentError(`${fn}: ${where} must be a list, received ${brief(v)}.`);
  return v;
}

/** A layer or model name: non-empty, one line (names appear in every message about the layer). */
export function nameAt(fn: string, where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '' || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new InvalidArgumentError(`${fn}: ${where} must be a non-empty string without control characters, received ${brief(v)}.`);
  }
  return v;
}

/** A [layerName, nodeIndex, tensorIndex, ...] reference. */
export function refAt(fn: string, where: string, v: unknown): [string, number, number] {
  const r = listAt(fn, where, v);
  const [name, node, tensor] = r;
  if (typeof name !== 'string' || !Number.isSafeInteger(node) || (node as number) < 0 || !(tensor === undefined || (Number.isSafeInteger(tensor) && (tensor as number) >= 0))) {
    throw new InvalidArgumentError(`${fn}: ${where} must be [layer name, node index, tensor index], received ${brief(v)}.`);
  }
  return [name, node as number, (tensor as number | undefined) ?? 0];
}

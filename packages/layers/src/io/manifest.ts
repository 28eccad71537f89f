import { InvalidArgumentError } from '@batchwise/core';
import { brief } from './brief.js';
import type { WeightGroup, WeightSpec } from './weights.js';

/*
 * The weights manifest of a model.json, checked before anything it describes
 * is read or allocated: every entry well-formed, every shape made of
 * non-negative integers, and the total within maxParameters. A file's bytes
 * are then read only up to what its group declares.
 */

/** A checked manifest group with the bytes its tensors take (float32). */
export interface CheckedGroup extends WeightGroup {
  bytes: number;
}

function checkSpec(fn: string, where: string, spec: unknown): WeightSpec {
  const s = spec as Partial<WeightSpec> | null;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new InvalidArgumentError(`${fn}: ${where} must be an object { name, shape, dtype }, received ${brief(spec)}.`);
  if (typeof s.name !== 'string' || s.name === '') throw new InvalidArgumentError(`${fn}: ${where}.name must be a non-empty string, received ${brief(s.name)}.`);
  const shape = s.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(`${fn}: ${where} (${brief(s.name)}) shape must be a list of at most 8 non-negative integers, received ${brief(shape)}.`);
  }
  if (typeof s.dtype !== 'string') throw new InvalidArgumentError(`${fn}: ${where} (${brief(s.name)}) dtype must be a string, received ${brief(s.dtype)}.`);
  return { name: s.name, shape: [...shape], dtype: s.dtype, ...(s.quantization !== undefined ? { quantization: s.quantization } : {}) };
}

/** Elements of every spec, refusing a total above maxParameters (before any byte is read). */
export function countParameters(fn: string, specs: readonly WeightSpec[], maxParameters: number): number {
  let total = 0;
  for (const s of specs) {
    // Doubles: a product past 2^53 is inexact but still far above the limit.
    total += s.shape.reduce((a, d) => a * d, 1);
    if (total > maxParameters) {
      throw new InvalidArgumentError(
        `${fn}: the weights manifest must declare at most maxParameters = ${maxParameters} parameters, received more (at tensor ${brief(s.name)}); raise maxParameters if the model really is this large.`,
      );
    }
  }
  return total;
}

/** Checks every weight spec (artifacts' `weightSpecs`). */
export function checkSpecs(fn: string, specs: unknown, where = 'weightSpecs'): WeightSpec[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) throw new InvalidArgumentError(`${fn}: ${where} must be a list, received ${brief(specs)}.`);
  return specs.map((s, i) => checkSpec(fn, `${where}[${i}]`, s));
}

/** Checks model.json's `weightsManifest` and totals its parameters against maxParameters. */
export function checkManifest(fn: string, file: string, manifest: unknown, maxParameters: number): CheckedGroup[] {
  if (manifest === undefined || manifest === null) return [];
  if (!Array.isArray(manifest)) throw new InvalidArgumentError(`${fn}: ${file} weightsManifest must be a list, received ${brief(manifest)}.`);
  const groups = manifest.map((g: unknown, i): CheckedGroup => {
    const where = `${file} weightsManifest[${i}]`;
    const group = g as Partial<WeightGroup> | null;
    if (group === null || typeof group !== 'object' || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new InvalidArgumentError(`${fn}: ${where} must be an object { paths, weights } with two lists, received ${brief(g)}.`);
    }
    if (group.paths.length === 0 || !group.paths.every((p) => typeof p === 'string' && p !== '')) {
      throw new InvalidArgumentError(`${fn}: ${where}.paths must be a non-empty list of file names, received ${brief(group.paths)}.`);
    }
    const weights = checkSpecs(fn, group.weights, `${where}.weights`);
    return { paths: [...group.paths], weights, bytes: 0 };
  });
  countParameters(fn, groups.flatMap((g) => g.weights), maxParameters);
  for (const g of groups) g.bytes = g.weights.reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1) * 4, 0);
  return groups;
}

import type { ModelArtifacts } from './artifacts.js';
import type { CheckedGroup } from './manifest.js';

/*
 * A model.json and the bytes of its weight files, read from disk or fetched,
 * as the in-memory artifacts: the manifest's groups flattened into one list
 * of specs and their files joined back to back, as tfjs does.
 */

/** Joins byte arrays in order. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of parts) {
    total.set(b, offset);
    offset += b.byteLength;
  }
  return total;
}

/** The artifacts of a parsed model.json whose checked manifest `groups` have been read into `parts`. */
export function artifactsFromModelJson(json: Record<string, unknown>, groups: readonly CheckedGroup[], parts: readonly Uint8Array[]): ModelArtifacts {
  return {
    modelTopology: json.modelTopology as Record<string, unknown>,
    format: typeof json.format === 'string' ? json.format : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : null,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: joinBytes(parts).buffer as ArrayBuffer,
  };
}

import { InvalidArgumentError, ShapeError, Tensor, formatShape, ops, sizeOf } from '@batchwise/core';
import type { LayerVariable } from '../engine/layer.js';
import { readValues } from '../engine/values.js';

/** One tensor of a weights manifest (tfjs `WeightsManifestEntry`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Saved name of a weight; tfjs writes `<layer>/<weight>`, Keras converters may prefix the model and add `:0`. */
export function shortName(name: string): string {
  const parts = name.replace(/:\d+$/, '').split('/');
  return parts.slice(-2).join('/');
}

/** Little-endian float32 bytes of the weights, in order. */
export function encodeWeights(weights: LayerVariable[]): { specs: WeightSpec[]; data: ArrayBuffer } {
  const total = weights.reduce((n, w) => n + w.value.size, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    out.set(readValues(w.value), offset);
    offset += w.value.size;
  }
  const specs = weights.map((w) => ({ name: w.fullName, shape: [...w.shape], dtype: 'float32' }));
  return { specs, data: out.buffer };
}

/** Where each spec's bytes live: the file (shard) name and byte range, for precise errors. */
export interface LocatedSpec extends WeightSpec {
  file: string;
  byteOffset: number;
}

/**
 * Decodes tensors from the concatenated bytes of the shards. A truncated or
 * oversized file, a dtype other than float32, or quantized weights are
 * errors that name the file and the tensor.
 */
export function decodeWeights(fn: string, specs: LocatedSpec[], data: ArrayBuffer, fileSizes: Map<string, number>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  let end = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32' || spec.quantization) {
      throw new InvalidArgumentError(`${fn}: tensor '${spec.name}' in ${spec.file} must be unquantized float32, received dtype ${spec.dtype}${spec.quantization ? ' (quantized)' : ''}.`);
    }
    const bytes = sizeOf(spec.shape) * 4;
    if (spec.byteOffset + bytes > data.byteLength) {
      throw new ShapeError(
        `${fn}: weight file ${spec.file} is truncated: tensor '${spec.name}' ${formatShape(spec.shape)} needs bytes ${spec.byteOffset}..${spec.byteOffset + bytes}, but the data ends at ${data.byteLength}.`,
      );
    }
    out.set(spec.name, new Tensor(new Float32Array(data.slice(spec.byteOffset, spec.byteOffset + bytes)), spec.shape));
    end = spec.byteOffset + bytes;
  }
  const size = [...fileSizes.values()].reduce((a, b) => a + b, 0);
  if (size !== end) {
    const files = [...fileSizes.keys()].join(', ');
    throw new ShapeError(`${fn}: weight file(s) ${files} must hold ${end} bytes for the ${specs.length} tensors of the manifest, received ${size}.`);
  }
  return out;
}

/** Byte offsets of every spec across the groups; each group's shards are read back to back. */
export function locateSpecs(groups: WeightGroup[]): LocatedSpec[] {
  const located: LocatedSpec[] = [];
  let offset = 0;
  for (const g of groups) {
    for (const w of g.weights) {
      located.push({ ...w, file: g.paths.join('+'), byteOffset: offset });
      offset += sizeOf(w.shape) * 4;
    }
  }
  return located;
}

/**
 * Assigns saved tensors to model weights by name. Names that do not match
 * either way are listed with their shapes in one error, so a renamed or
 * missing layer is easy to find.
 */
export function assignByName(fn: string, weights: LayerVariable[], saved: Map<string, Tensor>, strict = true): void {
  const byShort = new Map<string, [string, Tensor]>();
  for (const [name, t] of saved) byShort.set(shortName(name), [name, t]);
  const used = new Set<string>();
  const missing: string[] = [];
  const pairs: [LayerVariable, Tensor, string][] = [];
  for (const w of weights) {
    const hit = saved.has(w.fullName) ? ([w.fullName, saved.get(w.fullName)!] as [string, Tensor]) : byShort.get(w.fullName);
    if (!hit) {
      missing.push(`${w.fullName} ${formatShape(w.shape)}`);
      continue;
    }
    used.add(hit[0]);
    pairs.push([w, hit[1], hit[0]]);
  }
  const extra = [...saved.entries()].filter(([n]) => !used.has(n)).map(([n, t]) => `${n} ${formatShape(t.shape)}`);
  if (missing.length > 0 || (strict && extra.length > 0)) {
    throw new InvalidArgumentError(
      `${fn}: saved weights must match the model's weights by name; missing from the file: ${missing.join(', ') || 'none'}; extra in the file: ${extra.join(', ') || 'none'}.`,
    );
  }
  for (const [w, t, name] of pairs) {
    if (t.size !== w.value.size || t.rank !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new ShapeError(`${fn}: saved tensor '${name}' must have the model's shape ${formatShape(w.shape)}, received ${formatShape(t.shape)}.`);
    }
    ops.assign(w.value, t);
  }
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import '@batchwise/backend-cpu';
import { Tensor, setBackend } from '@batchwise/core';
import { loadLayersModel, type LayersModel } from '@batchwise/layers';
import { parseImageFile, toFloats, type ImageSet } from '../src/shared/image-file.js';

/*
 * What Node computes for the same inputs, to hold the page to: the shipped
 * models loaded from disk and the page's image file read from dist/.
 */

setBackend('cpu');

export const APP = fileURLToPath(new URL('..', import.meta.url));

export function imageSets(): Map<string, ImageSet> {
  return parseImageFile(gunzipSync(readFileSync(`${APP}dist/data/images.bin.gz`)));
}

export function image(set: ImageSet, oneBased: number): Float32Array {
  return toFloats(set, oneBased - 1, oneBased);
}

export function shippedModel(name: 'digits' | 'clothes'): Promise<LayersModel> {
  return loadLayersModel(`${APP}public/models/${name}`);
}

/** Class probabilities for one 28x28 image, fed as the model's input shape asks. */
export function predictOne(model: LayersModel, input: ArrayLike<number>): number[] {
  const shape = model.inputs[0].shape.length === 2 ? [1, 784] : [1, 28, 28, 1];
  return Array.from((model.predict(new Tensor(Float32Array.from(input), shape)) as Tensor).data);
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  return a.reduce((m, v, i) => Math.max(m, Number.isNaN(v - b[i]) ? Infinity : Math.abs(v - b[i])), 0);
}

import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { argMaxRow } from '../training/stats.js';

/*
 * Per-example correctness of a classifier on the test images: what the
 * paired tests (McNemar, the paired bootstrap) compare. Stored in
 * metrics.json as base64 of packed bits (one bit per image, first image in
 * the highest bit of the first byte), so the comparisons can be redone.
 */

/** 1 where the predicted class (arg-max, first on ties) is the label. */
export function correctness(model: LayersModel, images: Tensor, labels: Int32Array): Uint8Array {
  const probs = model.predict(images, { batchSize: 500 }) as Tensor;
  const classes = probs.shape[1];
  const out = new Uint8Array(labels.length);
  for (let r = 0; r < labels.length; r++) out[r] = argMaxRow(probs.data as Float32Array, r, classes) === labels[r] ? 1 : 0;
  return out;
}

export function packBits(bits: Uint8Array): string {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) bytes[i >> 3] |= 0x80 >> (i & 7);
  });
  return Buffer.from(bytes).toString('base64');
}

export function unpackBits(packed: string, length: number): Uint8Array {
  const bytes = Buffer.from(packed, 'base64');
  return Uint8Array.from({ length }, (_, i) => (bytes[i >> 3] >> (7 - (i & 7))) & 1);
}

import { NUM_CLASSES } from './image-sources.js';

/** Which part of an image dataset to load. */
export type ImageSplit = 'train' | 'test';

/**
 * The deterministic train/test split, computed from the labels alone (the
 * records are in source order: class files 0..9, records in file order).
 *
 * Rule: in each class, the last `testPerClass` records in file order are
 * test, all earlier ones are train. Each split is then interleaved
 * round-robin over the classes: the first record of class 0, of class 1, ...,
 * of class 9, then the second of each, skipping classes that ran out. So any
 * prefix (the `limit` option) is as balanced as the class counts allow, and
 * no random generator is involved: the split never changes with a seed or a
 * change to `Random`.
 *
 * Returns source indices in split order.
 */
export function splitIndices(labels: Uint8Array, testPerClass: number, split: ImageSplit): Int32Array {
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const parts = byClass.map((members) => {
    const cut = Math.max(0, members.length - testPerClass);
    return split === 'train' ? members.slice(0, cut) : members.slice(cut);
  });
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Int32Array(total);
  let k = 0;
  for (let rank = 0; k < total; rank++) {
    for (const part of parts) if (rank < part.length) out[k++] = part[rank];
  }
  return out;
}

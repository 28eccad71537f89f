import { Random } from '@batchwise/core';
import { NUM_CLASSES } from './image-sources.js';

/** Which part of an image dataset to load. */
export type ImageSplit = 'train' | 'test';

/**
 * The train/test split, computed from the labels alone (the records are in
 * source order: class files 0..9, records in file order). Returns source
 * indices in split order.
 *
 * Without `seed` (file order, the default): in each class, the last
 * `testPerClass` records in file order are test, all earlier ones are train.
 * No random generator is involved: the split never changes with a seed or a
 * change to `Random`.
 *
 * With `seed` (stratified random): the test split has the same size,
 * 10 x testPerClass, but each class contributes in proportion to its size
 * (largest remainder, ties to the lower class), so train and test have the
 * same class distribution; which records of a class go to test is drawn
 * with `seed` (Fisher-Yates over the class), and both splits keep that
 * random order within a class.
 *
 * Either way each split is interleaved round-robin over the classes: the
 * first record of class 0, of class 1, ..., of class 9, then the second of
 * each, skipping classes that ran out. So any prefix (the `limit` option)
 * is as balanced as the class counts allow.
 */
export function splitIndices(labels: Uint8Array, testPerClass: number, split: ImageSplit, seed?: number): Int32Array {
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const testCounts = seed === undefined ? byClass.map((m) => Math.min(m.length, testPerClass)) : proportionalCounts(byClass.map((m) => m.length), testPerClass * NUM_CLASSES);
  if (seed !== undefined) {
    const rng = new Random(seed);
    for (const members of byClass) rng.shuffle(members);
  }
  const parts = byClass.map((members, c) => {
    // File order: the test records are the last ones. Stratified: the first ones of the shuffled class.
    const cut = seed === undefined ? members.length - testCounts[c] : testCounts[c];
    const [head, tail] = [members.slice(0, cut), members.slice(cut)];
    if (seed === undefined) return split === 'train' ? head : tail;
    return split === 'test' ? head : tail;
  });
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Int32Array(total);
  let k = 0;
  for (let rank = 0; k < total; rank++) {
    for (const part of parts) if (rank < part.length) out[k++] = part[rank];
  }
  return out;
}

/** `total` split over classes in proportion to `sizes` (Hamilton's largest-remainder method). */
function proportionalCounts(sizes: number[], total: number): number[] {
  const all = sizes.reduce((a, b) => a + b, 0);
  const want = Math.min(total, all);
  const quotas = sizes.map((n) => (want * n) / all);
  const counts = quotas.map(Math.floor);
  const order = quotas.map((q, c) => ({ c, rest: q - Math.floor(q) })).sort((a, b) => b.rest - a.rest || a.c - b.c);
  for (let i = 0, left = want - counts.reduce((a, b) => a + b, 0); left > 0; i++, left--) counts[order[i].c]++;
  return counts;
}

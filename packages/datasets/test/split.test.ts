import { describe, expect, it } from 'vitest';
import { splitIndices } from '../src/split.js';

// Labels in source order: class c repeated counts[c] times.
function sourceLabels(counts: number[]): Uint8Array {
  return Uint8Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));
}

function classCounts(labels: Uint8Array, indices: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const i of indices) counts[labels[i]]++;
  return counts;
}

describe('splitIndices', () => {
  const counts = [5, 3, 4, 4, 4, 4, 4, 4, 4, 6];
  const labels = sourceLabels(counts);

  it('puts the last testPerClass records of each class in test', () => {
    const test = splitIndices(labels, 2, 'test');
    expect(classCounts(labels, test)).toEqual(new Array(10).fill(2));
    expect([...test].slice(0, 10)).toEqual([3, 6, 10, 14, 18, 22, 26, 30, 34, 40]);
  });

  it('puts every other record in train, disjoint from test', () => {
    const train = splitIndices(labels, 2, 'train');
    const test = splitIndices(labels, 2, 'test');
    expect(classCounts(labels, train)).toEqual(counts.map((n) => n - 2));
    const all = [...train, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: labels.length }, (_, i) => i));
  });

  it('interleaves classes round-robin, skipping classes that ran out', () => {
    const train = splitIndices(labels, 2, 'train');
    expect([...train].map((i) => labels[i])).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      0, 2, 3, 4, 5, 6, 7, 8, 9,
      0, 9,
      9,
    ]);
  });

  it('is deterministic', () => {
    expect(splitIndices(labels, 1, 'train')).toEqual(splitIndices(labels, 1, 'train'));
  });
});

describe('splitIndices with a seed (stratified random)', () => {
  // MNIST's class sizes in the `mnist` package.
  const counts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const labels = sourceLabels(counts);

  it('gives each class its share of the test split (largest remainder), so both splits have the same class mix', () => {
    const test = splitIndices(labels, 200, 'test', 0);
    // 2,000 x n_c / 10,000 = 200.2, 225.4, 198.2, 206.4, 196, 172.6, 202.8, 214, 188.8, 195.6.
    expect(classCounts(labels, test)).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
    const train = splitIndices(labels, 200, 'train', 0);
    const trainCounts = classCounts(labels, train);
    trainCounts.forEach((n, c) => expect(n / 8000).toBeCloseTo(counts[c] / 10000, 3));
  });

  it('partitions the records, differently for another seed, identically for the same one', () => {
    const train = splitIndices(labels, 200, 'train', 5);
    const test = splitIndices(labels, 200, 'test', 5);
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(Array.from({ length: labels.length }, (_, i) => i));
    expect(splitIndices(labels, 200, 'test', 5)).toEqual(test);
    expect(splitIndices(labels, 200, 'test', 6)).not.toEqual(test);
  });

  it('draws the test records from the whole class, not its end', () => {
    const test = splitIndices(labels, 200, 'test', 1);
    const classZero = [...test].filter((i) => labels[i] === 0);
    // File order would take indices 801..1000 only.
    expect(classZero.filter((i) => i < 801).length).toBeGreaterThan(120);
  });

  it('interleaves classes, so a prefix is balanced', () => {
    const test = splitIndices(labels, 200, 'test', 2);
    expect(classCounts(labels, test.subarray(0, 100))).toEqual(new Array(10).fill(10));
  });
});

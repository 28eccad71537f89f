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

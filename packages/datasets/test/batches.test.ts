import { InvalidArgumentError, ShapeError, tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { batches, shuffledIndices, takeRows } from '../src/batches.js';

const x = tensor(Array.from({ length: 14 }, (_, i) => i), [7, 2]);
const y = tensor([0, 1, 2, 3, 4, 5, 6], [7, 1]);

describe('shuffledIndices', () => {
  it('is a seeded permutation', () => {
    const a = shuffledIndices(50, 3);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledIndices(50, 3)).toEqual(a);
    expect(shuffledIndices(50, 4)).not.toEqual(a);
  });
});

describe('takeRows', () => {
  it('copies the chosen rows of any rank', () => {
    const t = tensor(Array.from({ length: 12 }, (_, i) => i), [3, 2, 2]);
    const r = takeRows(t, [2, 0]);
    expect(r.shape).toEqual([2, 2, 2]);
    expect([...r.data]).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
  });

  it('rejects an index out of range', () => {
    expect(() => takeRows(x, [0, 7])).toThrow('takeRows: indices[1] must be an integer in [0, 6], received 7.');
  });
});

describe('batches', () => {
  it('keeps the order without a seed and yields a short last batch', () => {
    const out = [...batches([x, y], { batchSize: 3 })];
    expect(out.map(([, b]) => [...b.data])).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(out[2][0].shape).toEqual([1, 2]);
  });

  it('shuffles rows of all tensors alike with a seed, deterministically', () => {
    const run = () => [...batches([x, y], { batchSize: 2, seed: 11, dropRemainder: true })];
    const out = run();
    expect(out.length).toBe(3);
    for (const [bx, by] of out) {
      for (let r = 0; r < by.size; r++) expect(bx.data[2 * r]).toBe(2 * by.data[r]);
    }
    expect(out.map(([, b]) => [...b.data])).toEqual(run().map(([, b]) => [...b.data]));
    expect(out.flatMap(([, b]) => [...b.data])).not.toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('checks its arguments when called', () => {
    expect(() => batches([x, tensor([1, 2], [2, 1])], { batchSize: 2 })).toThrow(ShapeError);
    expect(() => batches([x], { batchSize: 2 })).not.toThrow();
    expect(() => batches([x], { batchSize: 0 })).toThrow('batches: batchSize must be a positive integer, received 0.');
    expect(() => batches([x], { batchSize: 2, seed: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => batches([], { batchSize: 2 })).toThrow('batches: tensors must be a non-empty array of tensors.');
  });
});

import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { argMax, max, mean, sum } from '../src/kernels/reduce.js';
import { expectClose, randomTensor } from './support.js';

/** Naive float64 reduction: maps every input index to its output index by coordinates. */
function reference(shape: number[], x: Float32Array, axes: number[] | undefined, op: 'sum' | 'mean' | 'max') {
  const rank = shape.length;
  const red = shape.map((_, i) => (axes === undefined ? true : axes.map((a) => (a < 0 ? a + rank : a)).includes(i)));
  const outShape = shape.filter((_, i) => !red[i]);
  const outSize = outShape.reduce((p, d) => p * d, 1);
  const acc = new Array<number>(outSize).fill(op === 'max' ? -Infinity : 0);
  for (let i = 0; i < x.length; i++) {
    let rest = i;
    const coord = new Array<number>(rank);
    for (let d = rank - 1; d >= 0; d--) {
      coord[d] = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
    }
    let o = 0;
    for (let d = 0; d < rank; d++) if (!red[d]) o = o * shape[d] + coord[d];
    acc[o] = op === 'max' ? Math.max(acc[o], x[i]) : acc[o] + x[i];
  }
  const count = x.length / outSize;
  return { values: op === 'mean' ? acc.map((v) => v / count) : acc, outShape, keepShape: shape.map((d, i) => (red[i] ? 1 : d)) };
}

const SHAPE = [2, 3, 4, 5];
const AXES: (number[] | undefined)[] = [undefined, [], [0], [3], [-1], [1, 2], [0, 1, 2], [0, 2], [1, 3], [0, 3], [3, 1, 0]];

describe('sum, mean, max over axes', () => {
  const x = randomTensor(SHAPE, 1, -3, 3);
  for (const op of ['sum', 'mean', 'max'] as const) {
    const fn = { sum, mean, max }[op];
    for (const axes of AXES) {
      it(`${op} axes=${JSON.stringify(axes)}`, () => {
        const ref = reference(SHAPE, x.data, axes, op);
        const y = fn(x, axes === undefined ? {} : { axes });
        expect(y.shape).toEqual(ref.outShape);
        expectClose(y.data, ref.values);
        expect(fn(x, { axes, keepDims: true }).shape).toEqual(ref.keepShape);
      });
    }
  }

  it('size-1 axes and a scalar input', () => {
    const t = randomTensor([3, 1, 4], 2);
    expectClose(sum(t, { axes: [0, 1] }).data, reference([3, 1, 4], t.data, [0, 1], 'sum').values);
    expectClose(sum(t, { axes: [1] }).data, t.data);
    expect([...sum(tensor([7], [])).data]).toEqual([7]);
    expect(sum(tensor([7], [])).shape).toEqual([]);
  });

  // A float32 accumulator would stay at 1e8: each +1 is below half its ulp (8).
  it('sums in float64: 65535 ones added to 1e8 are not lost', () => {
    const data = new Float32Array(1 << 16).fill(1);
    data[0] = 1e8;
    expect(sum(tensor(data, [data.length])).data[0]).toBe(Math.fround(1e8 + (1 << 16) - 1));
  });

  it('max of an all-negative and an -Infinity row', () => {
    const y = max(tensor([[-5, -2, -9], [-Infinity, -Infinity, -Infinity]]), { axes: [1] });
    expect([...y.data]).toEqual([-2, -Infinity]);
  });
});

describe('argMax', () => {
  it('returns the first maximum of the last axis as floats', () => {
    const y = argMax(tensor([[1, 3, 3, 0], [-1, -5, -1, -2], [0, 0, 0, 9]]));
    expect(y.shape).toEqual([3]);
    expect([...y.data]).toEqual([1, 0, 3]);
  });

  it('rank 3 drops the last axis; rank 1 gives a scalar', () => {
    expect(argMax(randomTensor([2, 3, 4], 3)).shape).toEqual([2, 3]);
    const s = argMax(tensor([0, 2, 1]));
    expect(s.shape).toEqual([]);
    expect([...s.data]).toEqual([1]);
  });
});

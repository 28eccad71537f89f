import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { transpose } from '../src/kernels/transpose.js';
import { randomTensor } from './support.js';

/** Naive transpose by coordinates. */
function reference(shape: number[], x: Float32Array, perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  const out: number[] = [];
  const coord = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < x.length; o++) {
    let at = 0;
    coord.forEach((c, d) => (at += c * strides[perm[d]]));
    out.push(x[at]);
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
  return out;
}

const CASES: [number[], number[]][] = [
  [[3, 5], [1, 0]],
  [[37, 70], [1, 0]],
  [[2, 3, 4], [0, 1, 2]],
  [[2, 3, 4], [2, 1, 0]],
  [[2, 3, 4], [1, 0, 2]],
  [[2, 3, 4, 5], [0, 3, 1, 2]],
  [[2, 3, 4, 5], [0, 2, 3, 1]],
  [[2, 3, 4, 5], [3, 2, 1, 0]],
  [[2, 1, 4, 1, 3], [4, 3, 0, 1, 2]],
  [[1, 5, 1], [2, 0, 1]],
  [[6], [0]],
];

describe('transpose', () => {
  for (const [shape, perm] of CASES) {
    it(`${JSON.stringify(shape)} by ${JSON.stringify(perm)}`, () => {
      const x = randomTensor(shape, shape.length);
      const y = transpose(x, perm);
      expect(y.shape).toEqual(perm.map((p) => shape[p]));
      expect([...y.data]).toEqual(reference(shape, x.data, perm));
    });
  }

  it('hand-computed 2x3 and a scalar', () => {
    expect([...transpose(tensor([[1, 2, 3], [4, 5, 6]]), [1, 0]).data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect(transpose(tensor([4], []), []).shape).toEqual([]);
  });
});

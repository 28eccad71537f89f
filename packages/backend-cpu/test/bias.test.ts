import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { biasAdd, biasGrad } from '../src/kernels/bias.js';
import { expectClose, randomTensor } from './support.js';

describe('bias', () => {
  it('biasAdd adds per last-axis channel', () => {
    const y = biasAdd(tensor([[1, 2, 3], [4, 5, 6]]), tensor([10, 20, 30]));
    expect([...y.data]).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('biasGrad sums NHWC dy over N, H and W', () => {
    const dy = randomTensor([2, 3, 4, 5], 1);
    const ref = new Float64Array(5);
    dy.data.forEach((v, i) => (ref[i % 5] += v));
    const db = biasGrad(dy);
    expect(db.shape).toEqual([5]);
    expectClose(db.data, ref);
  });

  it('biasGrad over several row blocks and a leftover channel', () => {
    const dy = randomTensor([4, 20, 20, 7], 2);
    const ref = new Float64Array(7);
    dy.data.forEach((v, i) => (ref[i % 7] += v));
    expectClose(biasGrad(dy).data, ref, 1e-4);
  });

  it('biasGrad of a rank-1 dy is dy itself', () => {
    expect([...biasGrad(tensor([1, -2, 3])).data]).toEqual([1, -2, 3]);
  });
});

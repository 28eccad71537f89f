import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from '../src/kernels/loss.js';
import { expectClose, randomTensor, randomValues } from './support.js';

/** float64 reference straight from the definition, with a stable log-sum-exp. */
function reference(logits: Float32Array, labels: Float32Array, rows: number, C: number) {
  const loss: number[] = [];
  const grad: number[] = [];
  for (let r = 0; r < rows; r++) {
    const z = [...logits.subarray(r * C, r * C + C)];
    const t = [...labels.subarray(r * C, r * C + C)];
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    loss.push(-t.reduce((s, v, i) => s + v * (z[i] - lse), 0));
    const tsum = t.reduce((s, v) => s + v, 0);
    z.forEach((v, i) => grad.push(Math.exp(v - lse) * tsum - t[i]));
  }
  return { loss, grad };
}

describe('softmaxCrossEntropy', () => {
  it('one-hot labels', () => {
    const logits = randomTensor([5, 4], 1, -3, 3);
    const labels = tensor([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0], [5, 4]);
    const out = softmaxCrossEntropy(logits, labels);
    const ref = reference(logits.data, labels.data, 5, 4);
    expect(out.loss.shape).toEqual([5]);
    expect(out.dlogits.shape).toEqual([5, 4]);
    expectClose(out.loss.data, ref.loss);
    expectClose(out.dlogits.data, ref.grad);
  });

  it('soft labels not summing to 1 use the rowsum in the gradient', () => {
    const logits = randomTensor([3, 6], 2, -2, 2);
    const labels = tensor(randomValues(18, 3, 0, 0.5), [3, 6]);
    const out = softmaxCrossEntropy(logits, labels);
    const ref = reference(logits.data, labels.data, 3, 6);
    expectClose(out.loss.data, ref.loss);
    expectClose(out.dlogits.data, ref.grad);
  });

  it('is stable for logits of 1e4 and exact for a confident row', () => {
    const out = softmaxCrossEntropy(tensor([[1e4, 0, -1e4], [50, 0, 0]]), tensor([[0, 1, 0], [1, 0, 0]]));
    expect([...out.loss.data]).toEqual([1e4, Math.fround(Math.log1p(2 * Math.exp(-50)))]);
    expect(out.dlogits.data.every(Number.isFinite)).toBe(true);
    expectClose(out.dlogits.data, [1, -1, 0, 0, 0, 0]);
  });

  it('rank 3 logits reduce over the last axis', () => {
    const logits = randomTensor([2, 3, 4], 4);
    const labels = randomTensor([2, 3, 4], 5, 0, 1);
    const out = softmaxCrossEntropy(logits, labels);
    expect(out.loss.shape).toEqual([2, 3]);
    expectClose(out.loss.data, reference(logits.data, labels.data, 6, 4).loss);
  });
});

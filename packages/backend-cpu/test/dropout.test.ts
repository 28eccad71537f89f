import { describe, expect, it } from 'vitest';
import { dropout, dropoutBackward } from '../src/kernels/dropout.js';
import { randomTensor } from './support.js';

describe('dropout', () => {
  const x = randomTensor([50, 40], 1);

  it('mask is 0 or 1/(1-rate), y = x*mask, and about rate of units drop', () => {
    const rate = 0.3;
    const { y, mask } = dropout(x, { rate, seed: 7 });
    const keep = Math.fround(1 / (1 - rate));
    let dropped = 0;
    for (let i = 0; i < x.size; i++) {
      expect(mask.data[i] === 0 || mask.data[i] === keep).toBe(true);
      if (mask.data[i] === 0) dropped++;
      expect(y.data[i]).toBe(Math.fround(x.data[i] * mask.data[i]));
    }
    // 2000 Bernoulli(0.3) draws: 5 standard deviations is about +-0.05.
    expect(Math.abs(dropped / x.size - rate)).toBeLessThan(0.05);
  });

  it('the same seed gives the same mask; another seed another', () => {
    const a = dropout(x, { rate: 0.5, seed: 3 }).mask.data;
    expect(dropout(x, { rate: 0.5, seed: 3 }).mask.data).toEqual(a);
    expect(dropout(x, { rate: 0.5, seed: 4 }).mask.data).not.toEqual(a);
  });

  it('rate 0 keeps everything unchanged', () => {
    const { y, mask } = dropout(x, { rate: 0, seed: 1 });
    expect(y.data).toEqual(x.data);
    expect(mask.data.every((v) => v === 1)).toBe(true);
  });

  it('backward multiplies by the mask', () => {
    const { mask } = dropout(x, { rate: 0.4, seed: 9 });
    const dy = randomTensor([50, 40], 2);
    const dx = dropoutBackward(dy, mask);
    expect([...dx.data]).toEqual([...dy.data].map((g, i) => Math.fround(g * mask.data[i])));
  });
});

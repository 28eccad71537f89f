import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import * as act from '../src/kernels/activations.js';
import { expectClose, randomTensor } from './support.js';

describe('activations', () => {
  const x = randomTensor([4, 6], 1, -5, 5);
  const dy = randomTensor([4, 6], 2);

  it('relu and reluBackward', () => {
    const y = act.relu(x);
    expect([...y.data]).toEqual([...x.data].map((v) => Math.max(v, 0)));
    const dx = act.reluBackward(dy, y);
    expect([...dx.data]).toEqual([...dy.data].map((g, i) => (x.data[i] > 0 ? g : 0)));
  });

  it('relu lets NaN through', () => {
    expect(Number.isNaN(act.relu(tensor([NaN])).data[0])).toBe(true);
  });

  it('sigmoid is stable for large |x| and its backward is dy*y*(1-y)', () => {
    const extreme = act.sigmoid(tensor([-1000, -50, 0, 50, 1000]));
    expect([...extreme.data]).toEqual([0, Math.fround(1 / (1 + Math.exp(50))), 0.5, 1, 1]);
    const y = act.sigmoid(x);
    expectClose(y.data, [...x.data].map((v) => 1 / (1 + Math.exp(-v))));
    expectClose(act.sigmoidBackward(dy, y).data, [...dy.data].map((g, i) => g * y.data[i] * (1 - y.data[i])));
  });

  it('tanh and tanhBackward', () => {
    const y = act.tanh(x);
    expectClose(y.data, [...x.data].map(Math.tanh));
    expectClose(act.tanhBackward(dy, y).data, [...dy.data].map((g, i) => g * (1 - y.data[i] ** 2)));
  });

  it('softmax rows sum to 1 and survive logits of 1e4', () => {
    const big = act.softmax(tensor([[1e4, 1e4 - 1, 1e4 - 2], [0, 0, 0]]));
    const e = [1, Math.exp(-1), Math.exp(-2)];
    const s = e[0] + e[1] + e[2];
    expectClose(big.data, [...e.map((v) => v / s), 1 / 3, 1 / 3, 1 / 3]);
  });

  it('softmaxBackward matches the Jacobian product', () => {
    const y = act.softmax(x);
    const dx = act.softmaxBackward(dy, y);
    const ref: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (let i = 0; i < 6; i++) {
        let s = 0;
        for (let j = 0; j < 6; j++) s += dy.data[r * 6 + j] * y.data[r * 6 + j] * ((i === j ? 1 : 0) - y.data[r * 6 + i]);
        ref.push(s);
      }
    }
    expectClose(dx.data, ref);
  });

  it('softmax over a rank-1 tensor and a single class', () => {
    expect([...act.softmax(tensor([3])).data]).toEqual([1]);
    expectClose(act.softmax(tensor([0, Math.log(3)])).data, [0.25, 0.75]);
  });
});

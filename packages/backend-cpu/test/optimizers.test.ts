import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { adamUpdate, sgdUpdate } from '../src/kernels/optimizers.js';
import { expectClose } from './support.js';

describe('sgdUpdate (Keras convention)', () => {
  it('plain SGD without velocity: w -= lr*g', () => {
    const w = tensor([1, 2, 3]);
    sgdUpdate(w, tensor([0.5, -1, 2]), null, { learningRate: 0.1, momentum: 0, nesterov: false });
    expectClose(w.data, [0.95, 2.1, 2.8]);
  });

  it('momentum: v = m*v - lr*g; w += v, over two steps', () => {
    const w = tensor([1, -1]);
    const v = tensor([0, 0]);
    const g = tensor([1, 2]);
    const o = { learningRate: 0.1, momentum: 0.9, nesterov: false };
    sgdUpdate(w, g, v, o);
    expectClose(v.data, [-0.1, -0.2]);
    expectClose(w.data, [0.9, -1.2]);
    sgdUpdate(w, g, v, o);
    expectClose(v.data, [-0.19, -0.38]);
    expectClose(w.data, [0.71, -1.58]);
  });

  it('Nesterov: w += m*v_new - lr*g', () => {
    const w = tensor([1]);
    const v = tensor([-0.1]);
    sgdUpdate(w, tensor([1]), v, { learningRate: 0.1, momentum: 0.9, nesterov: true });
    // v_new = 0.9*-0.1 - 0.1 = -0.19; w = 1 + 0.9*-0.19 - 0.1 = 0.729
    expectClose(v.data, [-0.19]);
    expectClose(w.data, [0.729]);
  });

  it('leaves grad untouched', () => {
    const g = tensor([1, 2]);
    sgdUpdate(tensor([0, 0]), g, tensor([0, 0]), { learningRate: 1, momentum: 0.5, nesterov: false });
    expect([...g.data]).toEqual([1, 2]);
  });
});

describe('adamUpdate (TF.js convention)', () => {
  it('three steps match the float64 recurrence', () => {
    const o = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const w = tensor([0.5, -0.25, 2]);
    const m = tensor([0, 0, 0]);
    const v = tensor([0, 0, 0]);
    const grads = [[0.1, -2, 0], [0.3, -1, 1e-3], [-0.2, 0.5, 4]];
    const rw = [0.5, -0.25, 2];
    const rm = [0, 0, 0];
    const rv = [0, 0, 0];
    grads.forEach((gs, t) => {
      adamUpdate(w, tensor(gs), m, v, { ...o, step: t + 1 });
      const lrT = (o.learningRate * Math.sqrt(1 - o.beta2 ** (t + 1))) / (1 - o.beta1 ** (t + 1));
      gs.forEach((g, i) => {
        rm[i] = o.beta1 * rm[i] + (1 - o.beta1) * g;
        rv[i] = o.beta2 * rv[i] + (1 - o.beta2) * g * g;
        rw[i] -= (lrT * rm[i]) / (Math.sqrt(rv[i]) + o.epsilon);
      });
    });
    expectClose(m.data, rm, 1e-7, 1e-6);
    expectClose(v.data, rv, 1e-9, 1e-6);
    expectClose(w.data, rw, 1e-6, 1e-6);
  });

  it('first step moves each weight by about lr against its gradient sign', () => {
    const w = tensor([0, 0]);
    adamUpdate(w, tensor([3, -0.01]), tensor([0, 0]), tensor([0, 0]), {
      learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1,
    });
    // |step| = lr * sqrt(v)/(sqrt(v) + eps): eps/sqrt(v) is at most 3.2e-4 relative here.
    expectClose(w.data, [-0.001, 0.001], 0, 1e-3);
  });
});

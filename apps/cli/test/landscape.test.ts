import '@batchwise/backend-cpu';
import { randomNormal, setBackend, Tensor } from '@batchwise/core';
import { layers, sequential, train } from '@batchwise/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANDSCAPE_STEPS, probeOptimization } from '../src/experiments/landscape.js';

/*
 * Santurkar et al.'s measures on a small network: the probe must compute
 * what their definition says (checked against the same steps done by hand)
 * and leave every weight, moving statistics included, as it found it.
 */

beforeAll(() => setBackend('cpu'));

function net(bn: boolean) {
  const stack = [layers.dense({ units: 6, useBias: !bn }), ...(bn ? [layers.batchNormalization()] : []), layers.activation({ activation: 'sigmoid' }),
    layers.dense({ units: 5, activation: 'sigmoid' }), layers.dense({ units: 3, activation: 'softmax' })];
  const model = sequential({ layers: [layers.inputLayer({ shape: [4] }), ...stack] });
  model.initializeWeights(3);
  model.compile({ optimizer: train.sgd(0.5), loss: 'categoricalCrossentropy' });
  return model;
}

const x = randomNormal([16, 4], { seed: 1 });
const y = new Tensor(Float32Array.from({ length: 48 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [16, 3]);

describe('probeOptimization', () => {
  it.each([false, true])('leaves every weight as it was (BN: %s)', (bn) => {
    const model = net(bn);
    const before = model.getWeights().map((w) => Array.from(w.data));
    probeOptimization(model, x, y, 0.5);
    expect(model.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it("computes G' after the SGD step of the layers before, as done by hand", () => {
    const lr = 0.5;
    const model = net(false);
    const probe = probeOptimization(model, x, y, lr);
    // By hand: step the first dense layer (kernel and bias) only, then take the second layer's kernel gradient.
    const g = model.computeGradients(x, y).grads.map((t) => Float32Array.from(t.data));
    const w = model.trainableWeights;
    const kernel2 = w.findIndex((v) => v.layer === model.layers[2] && v.name === 'kernel');
    [0, 1].forEach((k) => w[k].assign(new Tensor(Float32Array.from(w[k].value.data, (v, i) => v - lr * g[k][i]), [...w[k].shape]), 'test'));
    const after = model.computeGradients(x, y).grads[kernel2].data;
    const l2 = Math.sqrt(g[kernel2].reduce((s, v, i) => s + (v - after[i]) ** 2, 0));
    expect(probe.shift[0].layer).toBe(2);
    expect(probe.shift[0].l2).toBeCloseTo(l2, 6);
    expect(probe.shift[0].l2).toBeGreaterThan(0);
    expect(probe.shift[0].cosine).toBeLessThanOrEqual(1);
    expect(probe.shift).toHaveLength(2);
  });

  it('records the loss along the gradient and the smoothness ratios', () => {
    const model = net(true);
    const base = model.computeGradients(x, y).loss;
    const probe = probeOptimization(net(true), x, y, 0.5);
    expect(probe.lossAlong).toHaveLength(LANDSCAPE_STEPS.length + 1);
    expect(probe.lossAlong[0]).toBeCloseTo(base, 6);
    expect(probe.lossVariation).toBeCloseTo(Math.max(...probe.lossAlong) - Math.min(...probe.lossAlong), 12);
    // A small step down the gradient lowers the loss.
    expect(probe.lossAlong[1]).toBeLessThan(probe.lossAlong[0]);
    expect(probe.betaSmoothness).toBeGreaterThan(0);
    expect(Number.isFinite(probe.gradientChange)).toBe(true);
  });
});

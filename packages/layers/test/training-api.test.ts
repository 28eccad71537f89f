import { Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { callbacks, exponentialDecay, layers, modelFromTopology, modelToArtifacts, sequential, train } from '../src/index.js';
import { randn } from './helpers.js';

const xb = randn([8, 4], 1);
const yb = new Tensor(Float32Array.from({ length: 16 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)), [8, 2]);

function net(prefix: string) {
  return sequential({ layers: [layers.dense({ units: 5, inputShape: [4], name: `${prefix}1` }), layers.dropout({ rate: 0.4, name: `${prefix}dr` }), layers.dense({ units: 2, activation: 'softmax', name: `${prefix}2` })] });
}

describe('optimizer state (tfjs getWeights/setWeights)', () => {
  it('Adam: iter, then <weight>/m, then <weight>/v; a restored copy continues identically', async () => {
    const a = net('oa');
    a.compile({ optimizer: train.adam(0.05), loss: 'categoricalCrossentropy' });
    await a.trainOnBatch(xb, yb);
    const state = a.optimizer!.getWeights();
    expect(state.map((s) => s.name)).toEqual(['iter', 'oa1/kernel/m', 'oa1/bias/m', 'oa2/kernel/m', 'oa2/bias/m', 'oa1/kernel/v', 'oa1/bias/v', 'oa2/kernel/v', 'oa2/bias/v']);
    expect(state[0].tensor.data[0]).toBe(1);
    const b = net('oa');
    b.setWeights(a.getWeights());
    b.setRandomState(a.getRandomState());
    b.compile({ optimizer: train.adam(0.05), loss: 'categoricalCrossentropy' });
    b.optimizer!.setWeights(state);
    await a.trainOnBatch(xb, yb);
    await b.trainOnBatch(xb, yb);
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(b.optimizer!.iterations).toBe(2);
  });

  it('SGD with momentum names its slot <weight>/momentum; plain SGD has only iter', async () => {
    const m = net('os');
    m.compile({ optimizer: train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy' });
    await m.trainOnBatch(xb, yb);
    expect(m.optimizer!.getWeights().map((s) => s.name)).toEqual(['iter', 'os1/kernel/momentum', 'os1/bias/momentum', 'os2/kernel/momentum', 'os2/bias/momentum']);
    expect(train.sgd(0.1).getWeights().map((s) => s.name)).toEqual(['iter']);
  });

  it('refuses state that does not fit, naming what is wrong', async () => {
    const opt = train.adam();
    expect(() => opt.setWeights([{ name: 'w/q', tensor: new Tensor(Float32Array.of(1), [1]) }])).toThrow(/names must be 'iter' or '<weight>\/m' \| '<weight>\/v', received 'w\/q'/);
    expect(() => opt.setWeights([{ name: 'w/m', tensor: new Tensor(Float32Array.of(1), [1]) }])).toThrow(/'w' must have every slot \(m, v\), missing v/);
    expect(() => opt.setWeights([{ name: 'iter', tensor: new Tensor(Float32Array.of(1.5), []) }])).toThrow(/'iter' must be one non-negative integer, received 1.5/);
    const m = net('ow');
    const wrong = new Tensor(new Float32Array(3), [3]);
    opt.setWeights([{ name: 'ow1/kernel/m', tensor: wrong }, { name: 'ow1/kernel/v', tensor: wrong }]);
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    await expect(m.trainOnBatch(xb, yb)).rejects.toThrow(/state 'ow1\/kernel\/m' has shape \[3\], but the weight has \[4,5\]/);
  });

  it('learningRate is settable and validated', () => {
    const opt = train.sgd(0.1);
    opt.learningRate = 0.05;
    expect(opt.getConfig().learningRate).toBe(0.05);
    expect(() => (opt.learningRate = -1)).toThrow(/learningRate must be in \[0, /);
  });
});

describe('learning-rate schedules', () => {
  it('exponentialDecay is closed-form in the epoch (continuous and staircase)', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decayRate: 0.5 });
    expect([0, 1, 2, 3].map((e) => s(e, 123))).toEqual([0.1, 0.05, 0.025, 0.0125]);
    const st = exponentialDecay({ initialLearningRate: 1, decayRate: 0.1, decaySteps: 2, staircase: true });
    expect([0, 1, 2, 3, 4].map((e) => st(e, 0))).toEqual([1, 1, 0.1, 0.1, 0.010000000000000002]);
    expect(() => exponentialDecay({ initialLearningRate: 1, decayRate: 0 })).toThrow(/decayRate must be in \(0, 1\]/);
  });

  it('LearningRateScheduler sets the rate at each epoch start, resumed epochs included', async () => {
    const m = net('ls');
    m.compile({ optimizer: train.sgd(1), loss: 'categoricalCrossentropy' });
    const seen: number[] = [];
    const cb = callbacks.learningRateScheduler((epoch) => 0.1 / (epoch + 1));
    await m.fit(xb, yb, { epochs: 3, initialEpoch: 1, batchSize: 4, verbose: 0, callbacks: [cb, { onEpochBegin: () => void seen.push(m.optimizer!.learningRate) }] });
    expect(seen).toEqual([0.05, 0.1 / 3]);
    const bad = callbacks.learningRateScheduler(() => Number.NaN);
    await expect(m.fit(xb, yb, { epochs: 1, verbose: 0, callbacks: [bad] })).rejects.toThrow(/schedule\(0\) must return a finite number >= 0, received NaN/);
  });
});

describe('modelFromTopology and a model-level seed', () => {
  it('builds a fresh model from a topology; the seed decides every weight and the dropout masks', async () => {
    const topology = modelToArtifacts(net('mt')).modelTopology;
    const a = modelFromTopology(topology, { seed: 3 });
    const b = modelFromTopology({ modelTopology: topology }, { seed: 3 });
    const c = modelFromTopology(topology, { seed: 4 });
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(c.getWeights()[0]).not.toEqual(a.getWeights()[0]);
    expect(a.getRandomState()).toEqual(b.getRandomState());
    expect(a.getRandomState()).not.toEqual(c.getRandomState());
    // The same dropout masks: one training step from the same weights gives the same result.
    c.setWeights(a.getWeights());
    const [ta, tb] = [a, b].map((m) => (m.compile({ optimizer: train.sgd(0.5), loss: 'categoricalCrossentropy' }), m.trainOnBatch(xb, yb)));
    expect(await ta).toBe(await tb);
    c.compile({ optimizer: train.sgd(0.5), loss: 'categoricalCrossentropy' });
    expect(await c.trainOnBatch(xb, yb)).not.toBe(await ta);
    expect(() => modelFromTopology({ class_name: 'Graph' })).toThrow(/modelFromTopology: modelTopology class_name must be 'Sequential', 'Model' or 'Functional', received 'Graph'/);
  });
});

import { InvalidArgumentError, Tensor, tensor, tidy } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, minMaxScaler, sequential, standardScaler, train } from '../src/index.js';
import { expectClose, moments64, randn } from './helpers.js';

describe('minMaxScaler', () => {
  it('maps each training feature onto the range and inverts exactly', () => {
    const x = tensor([[1, 10], [3, 30], [2, 20]]);
    const s = minMaxScaler().fit(x);
    expect(Array.from(s.transform(x).data)).toEqual([0, 0, 1, 1, 0.5, 0.5]);
    expectClose(s.inverseTransform(s.transform(x)).data, x.data, { atol: 1e-6 }, 'inverse');
    expect(Array.from(minMaxScaler({ featureRange: [-1, 1] }).fitTransform(x).data)).toEqual([-1, -1, 1, 1, 0, 0]);
  });

  it('maps a constant feature to the low end (scale 1), never NaN', () => {
    const s = minMaxScaler().fit(tensor([[5, 1], [5, 2]]));
    expect(Array.from(s.transform(tensor([[5, 1.5], [6, 2]])).data)).toEqual([0, 0.5, 1, 1]);
  });

  it('rejects NaN in fit and transform, naming sample and feature; rejects bad ranges', () => {
    expect(() => minMaxScaler().fit(tensor([[1, 2], [Number.NaN, 3]]))).toThrow('MinMaxScaler fit: data must be finite, received NaN at sample 1, feature 0.');
    const s = minMaxScaler().fit(tensor([[1, 2], [2, 3]]));
    expect(() => s.transform(tensor([[1, Infinity]]))).toThrow('MinMaxScaler transform: x must be finite, received Infinity at sample 0, feature 1.');
    expect(() => s.transform(tensor([[1, 2, 3]]))).toThrow('MinMaxScaler transform: x must have 2 features on its last axis, received [1,3].');
    expect(() => minMaxScaler({ featureRange: [1, 0] })).toThrow(InvalidArgumentError);
    expect(() => minMaxScaler().transform(tensor([[1]]))).toThrow('MinMaxScaler transform: call fit(x) first.');
  });
});

describe('standardScaler', () => {
  it('gives mean 0 and standard deviation 1 per feature, even offset by 1e4', () => {
    const x = randn([200, 3], 1, 1e4, 0.5);
    const z = standardScaler().fitTransform(x);
    const { mean, variance } = moments64(z.data, 200, 3);
    expectClose(mean, [0, 0, 0], { atol: 1e-4 }, 'mean');
    expectClose(variance, [1, 1, 1], { atol: 1e-3 }, 'variance');
  });

  it('maps a constant feature to 0 (divides by 1, as scikit-learn)', () => {
    const s = standardScaler().fit(tensor([[7, 1], [7, 3]]));
    expect(Array.from(s.transform(tensor([[7, 2]])).data)).toEqual([0, 0]);
    expect(Array.from(s.inverseTransform(tensor([[0, 1]])).data)).toEqual([7, 3]);
  });
});

describe('scalers and tidy', () => {
  it('a scaler fitted inside tidy keeps its statistics (1100 features: pooled kernel outputs)', () => {
    const x = randn([4, 1100], 11, 5, 2);
    const z = tidy(() => standardScaler().fit(x)).transform(x);
    expectClose(moments64(z.data, 4, 1100).mean, new Float64Array(1100), { atol: 1e-5 }, 'standard mean');
    const u = tidy(() => minMaxScaler().fit(x)).transform(x);
    const lowest = Array.from({ length: 1100 }, (_, j) => Math.min(...[0, 1, 2, 3].map((r) => u.data[r * 1100 + j])));
    expect(lowest).toEqual(new Array(1100).fill(0));
  });
});

describe('layers.normalization with adapt (Keras Normalization)', () => {
  it('adapts mean and variance and normalizes inside a model', () => {
    const x = randn([100, 2], 2, 50, 4);
    const norm = layers.normalization({ inputShape: [2] });
    norm.adapt(x);
    const m = sequential({ layers: [norm] });
    const y = m.predict(x) as Tensor;
    const { mean, variance } = moments64(y.data, 100, 2);
    expectClose(mean, [0, 0], { atol: 1e-4 }, 'mean');
    expectClose(variance, [1, 1], { atol: 1e-4 }, 'variance');
    expect(norm.weights.map((w) => w.name)).toEqual(['mean', 'variance', 'count']);
    expect(norm.count.value.data[0]).toBe(100);
  });

  it('maps a constant feature to 0 on its data (std clamped to 1e-7) and rejects NaN', () => {
    const norm = layers.normalization();
    norm.adapt(tensor([[3, 1], [3, 2]]));
    expect(Array.from(norm.apply(tensor([[3, 1.5]])).data)).toEqual([0, 0]);
    expect(() => norm.adapt(tensor([[Number.NaN, 1]]))).toThrow(/adapt: data must be finite, received NaN at sample 0, feature 0\./);
  });

  it('passes gradients through when trained in front of Dense', async () => {
    const x = randn([64, 2], 3, 100, 10);
    const norm = layers.normalization({ inputShape: [2] });
    norm.adapt(x);
    const m = sequential({ layers: [norm, layers.dense({ units: 1 })] });
    m.compile({ optimizer: train.sgd(0.1), loss: 'meanSquaredError' });
    const y = new Tensor(Float32Array.from({ length: 64 }, (_, r) => (x.data[r * 2] - 100) / 10), [64, 1]);
    const h = await m.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    expect(h.history.loss[29]).toBeLessThan(1e-3);
  });
});

import { Tensor, fill, tensor } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { layers, sequential, setWarningHandler, train, type BatchNormalization } from '../src/index.js';
import { expectClose, moments64, randn } from './helpers.js';

/** Tolerance for float32 kernels against float64 references on unit-scale values. */
const F32 = { atol: 1e-5, rtol: 1e-5 };

let restore: ((m: string) => void) | null = null;
function captureWarnings(): string[] {
  const seen: string[] = [];
  restore = setWarningHandler((m) => seen.push(m));
  return seen;
}
afterEach(() => {
  if (restore) setWarningHandler(restore);
  restore = null;
});

function denseBnModel(seed: string) {
  const m = sequential({
    layers: [
      layers.dense({ units: 6, inputShape: [4], activation: 'relu', name: `d1_${seed}` }),
      layers.batchNormalization({ name: `bn_${seed}` }),
      layers.dense({ units: 3, activation: 'softmax', name: `d2_${seed}` }),
    ],
  });
  m.compile({ optimizer: train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return m;
}

function oneHot(rows: number, classes: number, seed: number): Tensor {
  const t = fill([rows, classes], 0);
  for (let r = 0; r < rows; r++) t.data[(r * 7 + seed) % classes + r * classes] = 1;
  return t;
}

describe('BatchNormalization must-not-fail cases', () => {
  it('predict on one sample equals its row of predict on 32', async () => {
    const m = denseBnModel('p1');
    const x = randn([32, 4], 1);
    await m.trainOnBatch(x, oneHot(32, 3, 1)); // moving statistics away from 0/1
    const all = m.predict(x) as Tensor;
    for (const r of [0, 5, 31]) {
      const one = m.predict(new Tensor(x.data.slice(r * 4, r * 4 + 4), [1, 4])) as Tensor;
      expectClose(one.data, all.data.subarray(r * 3, r * 3 + 3), { atol: 1e-6 }, `row ${r}`);
    }
  });

  it('one training step moves both moving mean and variance by the exact formula', async () => {
    const bn = layers.batchNormalization({ momentum: 0.9, inputShape: [3] });
    const m = sequential({ layers: [bn] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = randn([16, 3], 2, 5, 2);
    const before = { mean: bn.movingMean.value.clone(), variance: bn.movingVariance.value.clone() };
    for (let step = 0; step < 2; step++) {
      const mm = Float64Array.from(bn.movingMean.value.data);
      const mv = Float64Array.from(bn.movingVariance.value.data);
      await m.trainOnBatch(x, randn([16, 3], 3));
      const { mean, variance } = moments64(x.data, 16, 3);
      expectClose(bn.movingMean.value.data, mm.map((v, j) => 0.9 * v + 0.1 * mean[j]), F32, `moving mean step ${step}`);
      // Biased variance (divided by N = 16), as Keras and TF.js; not PyTorch's unbiased N - 1.
      expectClose(bn.movingVariance.value.data, mv.map((v, j) => 0.9 * v + 0.1 * variance[j]), F32, `moving variance step ${step}`);
    }
    for (let j = 0; j < 3; j++) {
      expect(bn.movingMean.value.data[j]).not.toBe(before.mean.data[j]);
      expect(bn.movingVariance.value.data[j]).not.toBe(before.variance.data[j]);
    }
  });

  it('a frozen BatchNormalization keeps its moving statistics bit-identical through fit()', async () => {
    const m = denseBnModel('frozen');
    const bn = m.layers[1] as BatchNormalization;
    bn.movingMean.value.data.set([0.5, -1, 2, 0, 1, 3]);
    bn.movingVariance.value.data.set([2, 0.5, 1, 4, 1, 0.25]);
    bn.gamma!.value.data.set([1, 2, 3, 1, 2, 3]);
    bn.trainable = false;
    const snapshot = bn.weights.map((w) => Array.from(w.value.data));
    const kernelBefore = Array.from((m.layers[0] as never as { kernel: { value: Tensor } }).kernel.value.data);
    await m.fit(randn([40, 4], 4), oneHot(40, 3, 2), { epochs: 3, batchSize: 8, verbose: 0 });
    expect(bn.weights.map((w) => Array.from(w.value.data))).toEqual(snapshot);
    expect(Array.from((m.layers[0] as never as { kernel: { value: Tensor } }).kernel.value.data)).not.toEqual(kernelBefore);
    // Frozen means inference mode even with training: true (Keras 3).
    const x = randn([5, 6], 5);
    expect(Array.from(bn.apply(x, { training: true }).data)).toEqual(Array.from(bn.apply(x).data));
  });

  it('batch of one after Dense: no NaN, moving variance kept, warns once', async () => {
    const warnings = captureWarnings();
    const bn = layers.batchNormalization({ name: 'bn_one_dense' });
    const m = sequential({ layers: [layers.dense({ units: 4, inputShape: [3] }), bn, layers.dense({ units: 1 })] });
    m.compile({ optimizer: train.sgd(0.1), loss: 'meanSquaredError' });
    for (let i = 0; i < 3; i++) {
      const loss = (await m.trainOnBatch(randn([1, 3], 10 + i), tensor([[1]]))) as number;
      expect(Number.isFinite(loss)).toBe(true);
    }
    expect(Array.from(bn.movingVariance.value.data)).toEqual([1, 1, 1, 1]);
    expect(bn.movingMean.value.data.every(Number.isFinite)).toBe(true);
    expect(m.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
    expect(warnings.filter((w) => w.includes("'bn_one_dense'"))).toHaveLength(1);
    expect(warnings[0]).toMatch(/1 value per feature.*output is beta.*moving statistics are left unchanged/);
  });

  it('batch of one with 1x1 spatial after Conv2D: no NaN, moving variance kept, warns once', async () => {
    const warnings = captureWarnings();
    const bn = layers.batchNormalization({ name: 'bn_one_conv' });
    const m = sequential({
      layers: [layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [3, 3, 2] }), bn, layers.flatten(), layers.dense({ units: 2, activation: 'softmax' })],
    });
    m.compile({ optimizer: train.sgd(0.1), loss: 'categoricalCrossentropy' });
    for (let i = 0; i < 3; i++) {
      const loss = (await m.trainOnBatch(randn([1, 3, 3, 2], 20 + i), tensor([[0, 1]]))) as number;
      expect(Number.isFinite(loss)).toBe(true);
    }
    expect(Array.from(bn.movingVariance.value.data)).toEqual([1, 1, 1, 1]);
    expect(m.getWeights().every((w) => w.data.every(Number.isFinite))).toBe(true);
    expect(warnings.filter((w) => w.includes("'bn_one_conv'"))).toHaveLength(1);
    // With one value per feature, training-mode output is beta.
    bn.beta!.value.data.set([0.1, 0.2, 0.3, 0.4]);
    const y = bn.apply(randn([1, 1, 1, 4], 30), { training: true });
    expectClose(y.data, [0.1, 0.2, 0.3, 0.4], { atol: 1e-7 }, 'batch of one output');
  });

  it('a constant feature at offset 1e7 normalizes to beta and stays finite', () => {
    const bn = layers.batchNormalization({ epsilon: 1e-3 });
    const x = randn([64, 2], 6);
    for (let r = 0; r < 64; r++) x.data[r * 2] = 1e7;
    bn.apply(x); // build
    bn.beta!.value.data.set([0.25, -0.5]);
    const y = bn.apply(x, { training: true });
    expect(y.data.every(Number.isFinite)).toBe(true);
    for (let r = 0; r < 64; r++) expect(y.data[r * 2]).toBe(0.25);
    expect(bn.movingMean.value.data[0]).toBeCloseTo(0.01 * 1e7, 0);
    expectClose([bn.movingVariance.value.data[0]], [0.99], { atol: 1e-7 }, 'moving variance of constant feature');
  });

  it('input offset by 1e4 with small spread keeps its precision', () => {
    const eps = 1e-5;
    const bn = layers.batchNormalization({ epsilon: eps });
    const x = randn([256, 3], 7, 1e4, 0.1);
    const y = bn.apply(x, { training: true });
    const { mean, variance } = moments64(x.data, 256, 3);
    const expected = Array.from(x.data, (v, i) => (v - mean[i % 3]) / Math.sqrt(variance[i % 3] + eps));
    // Unit-scale outputs: a one-pass E[x^2]-E[x]^2 in float32 would be off by O(1) here.
    expectClose(y.data, expected, { atol: 2e-4, rtol: 1e-4 }, 'normalized output');
    expectClose(bn.movingVariance.value.data, Array.from(variance, (v) => 0.99 + 0.01 * v), { atol: 1e-7, rtol: 1e-5 }, 'moving variance');
  });

  it('axis: 1 (channels first) agrees with a float64 reference in training and inference', () => {
    const [n, c, h, w] = [3, 4, 5, 2];
    const bn = layers.batchNormalization({ axis: 1, momentum: 0.5 });
    const x = randn([n, c, h, w], 8, 3, 2);
    bn.apply(x); // build
    bn.gamma!.value.data.set([1, 2, 0.5, -1]);
    bn.beta!.value.data.set([0, 1, -1, 0.5]);
    const y = bn.apply(x, { training: true });
    const idx = (r: number, j: number) => {
      const b = Math.floor(r / (h * w));
      return ((b * c + j) * h * w) + (r % (h * w));
    };
    const { mean, variance } = moments64(x.data, n * h * w, c, idx);
    const gamma = [1, 2, 0.5, -1];
    const beta = [0, 1, -1, 0.5];
    const expected = Array.from(x.data, (v, i) => {
      const j = Math.floor(i / (h * w)) % c;
      return (gamma[j] * (v - mean[j])) / Math.sqrt(variance[j] + 1e-3) + beta[j];
    });
    expectClose(y.data, expected, F32, 'axis 1 training output');
    expectClose(bn.movingMean.value.data, Array.from(mean, (m) => 0.5 * m), F32, 'axis 1 moving mean');
    expectClose(bn.movingVariance.value.data, Array.from(variance, (v) => 0.5 + 0.5 * v), F32, 'axis 1 moving variance');
    const yi = bn.apply(x);
    const mm = Array.from(mean, (m) => 0.5 * m);
    const mv = Array.from(variance, (v) => 0.5 + 0.5 * v);
    const expectedInference = Array.from(x.data, (v, i) => {
      const j = Math.floor(i / (h * w)) % c;
      return (gamma[j] * (v - mm[j])) / Math.sqrt(mv[j] + 1e-3) + beta[j];
    });
    expectClose(yi.data, expectedInference, F32, 'axis 1 inference output');
  });

  it('center: false and scale: false drop beta and gamma', () => {
    const bn = layers.batchNormalization({ center: false, scale: false });
    const y = bn.apply(randn([8, 2], 9, 3, 2), { training: true });
    expect(bn.weights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    const { mean, variance } = moments64(y.data, 8, 2);
    expectClose(mean, [0, 0], { atol: 1e-6 }, 'mean of output');
    expectClose(variance, [1, 1], { atol: 1e-3 }, 'variance of output (eps shrinks it slightly)');
  });
});

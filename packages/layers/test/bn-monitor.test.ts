import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { callbacks, layers, sequential, setWarningHandler, train, type BatchNormalization, type LayersModel } from '../src/index.js';
import { blobs } from './bn-tools-helpers.js';
import { expectClose, moments64 } from './helpers.js';

/*
 * batchNormMonitor: during fit, per layer and feature, batch statistics
 * against the moving ones, the update count, and flags naming layer and
 * feature for dead features, exploding variance and non-finite values.
 */

const warnings: string[] = [];
setWarningHandler((m) => void warnings.push(m));
afterEach(() => void (warnings.length = 0));

function net(prefix: string): LayersModel {
  const m = sequential({
    layers: [
      layers.dense({ units: 6, inputShape: [8], useBias: false, name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn1` }),
      layers.activation({ activation: 'relu', name: `${prefix}_r1` }),
      layers.dense({ units: 4, activation: 'softmax', name: `${prefix}_out` }),
    ],
  });
  m.compile({ optimizer: train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return m;
}

const bnOf = (m: LayersModel) => m.layers[1] as BatchNormalization;

describe('batchNormMonitor', () => {
  it('records batch and moving statistics, their gap and the update count for every kept batch', async () => {
    const { x, y } = blobs(64, 8, 4, 1);
    const m = net('rec');
    const monitor = callbacks.batchNormMonitor({ every: 2 });
    // Unshuffled batches of 16: batch b is rows 16b..16b+15, so its statistics can be recomputed here.
    await m.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, callbacks: monitor });
    expect(monitor.records.map((r) => [r.epoch, r.batch, r.step])).toEqual([[0, 1, 2], [0, 3, 4], [1, 1, 6], [1, 3, 8]]);
    const last = monitor.records[3].layers[0];
    expect(last).toMatchObject({ layer: 'rec_bn1', updates: 8, count: 16 });
    expect(Array.from(last.movingMean)).toEqual(Array.from(bnOf(m).movingMean.value.data));
    expect(monitor.flags).toEqual([]);
    const gap = Array.from(last.batchMean, (mu, j) => Math.abs(mu - last.movingMean[j]) / Math.sqrt(last.movingVariance[j] + 1e-3));
    expectClose(last.meanGap, gap, { atol: 1e-6, rtol: 1e-5 }, 'mean gap');
    expect(last.worst.meanGap).toBeCloseTo(Math.max(...gap), 5);
    expect(bnOf(m).recordBatchStatistics).toBe(false);
    expect(monitor.summary()).toMatch(/^layer\s+features\s+updates\s+worst feature\s+mean gap\s+var ratio\s+flags\n[- ]+\nrec_bn1\s+6\s+8\s/);
  });

  it('records the statistics the layer normalized with', async () => {
    const { x, y } = blobs(32, 8, 4, 2);
    const m = net('same');
    const monitor = callbacks.batchNormMonitor();
    const kernel = Array.from(m.layers[0].weights[0].value.data);
    await m.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0, callbacks: monitor });
    // One batch: the statistics are those of x · kernel before the update.
    const z = new Float32Array(32 * 6);
    for (let i = 0; i < 32; i++) for (let o = 0; o < 6; o++) for (let k = 0; k < 8; k++) z[i * 6 + o] += x.data[i * 8 + k] * kernel[k * 6 + o];
    const ref = moments64(z, 32, 6);
    const r = monitor.records[0].layers[0];
    expectClose(r.batchMean, ref.mean, { atol: 1e-5, rtol: 1e-5 }, 'batch mean');
    expectClose(r.batchVariance, ref.variance, { atol: 1e-5, rtol: 1e-5 }, 'batch variance');
  });

  it('flags a dead gamma and a dead input feature, naming layer and feature, once each', async () => {
    const { x, y } = blobs(64, 8, 4, 3);
    const m = net('dead');
    const bn = bnOf(m);
    bn.gamma!.assign(new Tensor(Float32Array.from([1, 1, 0, 1, 1, 1]), [6]), 'test');
    // Feature 4 of the kernel is zero: its pre-activation is 0 on every row.
    const d1 = m.layers[0].weights[0];
    d1.assign(new Tensor(d1.value.data.map((v, i) => (i % 6 === 4 ? 0 : v)), d1.shape), 'test');
    // A frozen optimizer keeps the planted values: this test is about detection, not about training.
    m.compile({ optimizer: train.sgd(0), loss: 'categoricalCrossentropy' });
    const monitor = callbacks.batchNormMonitor();
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: monitor });
    expect(monitor.flags.map((f) => [f.kind, f.layer, f.feature, f.count, f.batch])).toEqual([
      ['dead-gamma', 'dead_bn1', 2, 4, 0],
      ['dead-variance', 'dead_bn1', 4, 4, 0],
    ]);
    expect(monitor.flags[0].message).toBe("BatchNormalization 'dead_bn1' feature 2: gamma is 0 (|gamma| < 0.001): dead, its output is beta whatever the input.");
    expect(warnings).toEqual([
      `batchNormMonitor: epoch 1, batch 0: ${monitor.flags[0].message}`,
      `batchNormMonitor: epoch 1, batch 0: ${monitor.flags[1].message}`,
    ]);
    expect(monitor.flagCounts()).toEqual({ 'dead-gamma': 1, 'dead-variance': 1 });
  });

  it('flags exploding and non-finite values (the batch fit stops at)', async () => {
    const { x, y } = blobs(48, 8, 4, 4);
    const big = new Tensor(x.data.map((v, i) => (i % 8 === 0 ? v * 1e4 : v)), x.shape);
    const m = net('boom');
    const monitor = callbacks.batchNormMonitor({ warn: false });
    await m.fit(big, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0, callbacks: monitor });
    expect(monitor.flags.some((f) => f.kind === 'exploding-variance' && f.layer === 'boom_bn1')).toBe(true);
    expect(warnings).toEqual([]);
    // A kernel column of 3e38 overflows float32 on the first batch: feature 1's input is +-Infinity and NaN.
    const m2 = net('nan');
    const d1 = m2.layers[0].weights[0];
    d1.assign(new Tensor(d1.value.data.map((v, i) => (i % 6 === 1 ? 3e38 : v)), d1.shape), 'test');
    const monitor2 = callbacks.batchNormMonitor({ warn: false });
    const history = await m2.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0, callbacks: monitor2 });
    expect(history.stopped).toBe('nan');
    expect(monitor2.flags.map((f) => [f.kind, f.layer, f.feature, f.batch])).toEqual([['non-finite', 'nan_bn1', 1, 0]]);
    expect(monitor2.flags[0].message).toMatch(/^BatchNormalization 'nan_bn1' feature 1: batch (mean|variance) is (NaN|Infinity|-Infinity) \(non-finite/);
  });

  it('watches only the layers named, and checks its arguments', async () => {
    const { x, y } = blobs(16, 8, 4, 5);
    const m = net('only');
    const monitor = callbacks.batchNormMonitor({ layers: ['only_bn1'] });
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: monitor });
    expect(monitor.records[0].layers.map((l) => l.layer)).toEqual(['only_bn1']);
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: callbacks.batchNormMonitor({ layers: ['nope'] }) })).rejects.toThrow(
      "batchNormMonitor: layers must name BatchNormalization layers of the model ('only_bn1'), received 'nope'.",
    );
    expect(() => callbacks.batchNormMonitor({ every: 0 })).toThrow('batchNormMonitor: every must be a positive integer, received 0.');
    expect(() => callbacks.batchNormMonitor({ deadGamma: -1 })).toThrow('batchNormMonitor: deadGamma must be > 0, received -1.');
    expect(() => callbacks.batchNormMonitor({ warn: 'yes' as never })).toThrow(InvalidArgumentError);
  });
});

import { InvalidArgumentError, Tensor, ops } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, sequential, setWarningHandler, train, type BatchNormalization, type LayersModel } from '../src/index.js';
import { featureStatistics, mergeStatistics, varianceOf } from '../src/bn-tools/feature-statistics.js';
import { updatesForExactStatistics } from '../src/bn-tools/staleness.js';
import { expectClose, moments64, randn } from './helpers.js';
import { blobs, modeAccuracy } from './bn-tools-helpers.js';

/*
 * Precise batch norm: every layer's moving statistics become the exact mean
 * and biased variance of what it sees at inference over the data, merged
 * batch by batch (Chan) in float64, layer after layer.
 */

// The models here are stale on purpose: predict's warning is tested in bn-predict-warning.test.ts.
setWarningHandler(() => {});

/** The kernels' float32 outputs of a float64 reference, on data of unit scale. */
const F32 = { atol: 1e-5, rtol: 1e-5 };

describe('featureStatistics and mergeStatistics', () => {
  it('merge batch statistics into the statistics of all the values (Chan), even offset by 1e4', () => {
    const x = randn([300, 5], 1, 1e4, 2);
    const whole = moments64(x.data, 300, 5);
    let acc = featureStatistics(ops.gather(x, Int32Array.from({ length: 7 }, (_, i) => i), { axis: 0 }), 1);
    for (let start = 7; start < 300; start += 41) {
      const idx = Int32Array.from({ length: Math.min(41, 300 - start) }, (_, i) => start + i);
      acc = mergeStatistics(acc, featureStatistics(ops.gather(x, idx, { axis: 0 }), 1));
    }
    expect(acc.count).toBe(300);
    // A one-pass E[x^2] - E[x]^2 loses every digit here (variance 4 on values 1e4): this holds only with two passes and Chan.
    expectClose(acc.mean, whole.mean, { atol: 1e-3, rtol: 1e-9 }, 'mean');
    expectClose(varianceOf(acc), whole.variance, { atol: 1e-4, rtol: 1e-5 }, 'variance');
  });

  it('reduce every axis but the feature axis', () => {
    const x = randn([4, 3, 2, 6], 2);
    const s = featureStatistics(x, 1);
    const ref = moments64(x.data, 4 * 2 * 6, 3, (r, j) => {
      const b = Math.floor(r / 12);
      const rest = r % 12;
      return b * 36 + j * 12 + rest;
    });
    expect(s.count).toBe(48);
    expectClose(s.mean, ref.mean, F32, 'mean');
    expectClose(varianceOf(s), ref.variance, F32, 'variance');
  });
});

function mlp(prefix: string): LayersModel {
  const m = sequential({
    layers: [
      layers.dense({ units: 12, inputShape: [8], useBias: false, name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn1` }),
      layers.activation({ activation: 'relu', name: `${prefix}_r1` }),
      layers.dense({ units: 6, name: `${prefix}_d2` }),
      layers.batchNormalization({ name: `${prefix}_bn2` }),
      layers.activation({ activation: 'relu', name: `${prefix}_r2` }),
      layers.dense({ units: 4, activation: 'softmax', name: `${prefix}_out` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const bns = (m: LayersModel) => m.layers.filter((l) => l.className === 'BatchNormalization') as BatchNormalization[];

describe('recalibrateBatchNorm', () => {
  it('sets each layer to the exact statistics of its inference-mode input, layer by layer', async () => {
    const { x, y } = blobs(200, 8, 4, 3);
    const m = mlp('exact');
    await m.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
    const before = m.getWeights().map((w) => Array.from(w.data));
    const r = m.recalibrateBatchNorm(x, { batchSize: 48 });
    expect(r).toMatchObject({ batches: 5, samples: 200 });
    // Reference in float64 loops: bn1 sees d1(x); bn2 sees d2(relu(bn1 with its NEW statistics)).
    const [bn1, bn2] = bns(m);
    const d1 = m.layers[0].apply(x);
    const ref1 = moments64(d1.data, 200, 12);
    expectClose(bn1.movingMean.value.data, ref1.mean, F32, 'bn1 mean');
    expectClose(bn1.movingVariance.value.data, ref1.variance, F32, 'bn1 variance');
    const h = m.layers[3].apply(m.layers[2].apply(bn1.apply(d1)));
    const ref2 = moments64(h.data, 200, 6);
    expectClose(bn2.movingMean.value.data, ref2.mean, F32, 'bn2 mean');
    expectClose(bn2.movingVariance.value.data, ref2.variance, F32, 'bn2 variance');
    // Nothing else moved.
    const after = m.getWeights().map((w) => Array.from(w.data));
    const names = m.weights.map((w) => w.fullName);
    names.forEach((n, i) => {
      if (!n.includes('moving_')) expect(after[i], n).toEqual(before[i]);
    });
    expect(bn1.movingUpdates).toBe(updatesForExactStatistics(0.99, 5));
    expect(bn1.movingUpdates).toBe(1656);
  });

  it('recovers the accuracy a short training run loses to moving statistics still near their initializers', async () => {
    // 4 steps of momentum 0.99 leave 96 % of the initializers in the moving statistics: inference
    // normalizes offset data (mean 10) with mean ~0.4 and variance ~1, far from the truth.
    const { x, y } = blobs(256, 8, 4, 1, 10);
    const m = mlp('short');
    await m.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
    const inference = (m.evaluate(x, y, { batchSize: 256 }) as number[])[1];
    const training = modeAccuracy(m, x, y, true);
    expect(training - inference).toBeGreaterThan(0.15);
    m.recalibrateBatchNorm(x, { batchSize: 32 });
    const recalibrated = (m.evaluate(x, y, { batchSize: 256 }) as number[])[1];
    // On the whole data as one batch, training mode normalizes with exactly the recalibrated statistics.
    expect(recalibrated).toBeCloseTo(modeAccuracy(m, x, y, true), 6);
    expect(recalibrated - inference).toBeGreaterThan(0.15);
    expect(m.checkBatchNorm(x).layers.map((l) => l.divergence)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const l of m.checkBatchNorm(x).layers) expect(l.divergence).toBeLessThan(1e-5);
  });

  it('fixes statistics left stale by averaging the weights of several checkpoints (pytorch #30559)', async () => {
    const { x, y } = blobs(256, 8, 4, 2);
    const m = mlp('swa');
    m.compile({ optimizer: train.sgd({ learningRate: 0.3, momentum: 0.9 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const checkpoints: Tensor[][] = [];
    for (let e = 0; e < 8; e++) {
      await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, seed: e });
      if (e >= 4) checkpoints.push(m.getWeights());
    }
    // Averaging every weight, moving statistics included, as a naive weight average does.
    m.setWeights(checkpoints[0].map((_, i) => ops.mulScalar(checkpoints.map((c) => c[i]).reduce((a, b) => ops.add(a, b)), 1 / checkpoints.length)));
    const stale = m.checkBatchNorm(x, { reference: x });
    // The averaged moving statistics are not those of the averaged weights: inference normalizes wrongly.
    expect(stale.layers[0].causes.map((c) => c.kind)).toEqual(['stale-statistics']);
    expect(stale.layers[0].gap.significant).toBe(true);
    expect(stale.layers[0].divergence).toBeGreaterThan(0.1);
    m.recalibrateBatchNorm(x, { batchSize: 32 });
    const fixed = m.checkBatchNorm(x, { reference: x });
    expect(fixed.ok).toBe(true);
    for (const l of fixed.layers) expect(l.divergence).toBeLessThan(1e-5);
    expect(fixed.agreement[0]).toBe(1);
  });

  it('uses at most `batches` batches from the start and leaves frozen layers alone unless named', async () => {
    const { x, y } = blobs(100, 8, 4, 4);
    const m = mlp('opts');
    await m.fit(x, y, { epochs: 1, batchSize: 25, verbose: 0 });
    const [bn1, bn2] = bns(m);
    bn2.trainable = false;
    const frozen = Array.from(bn2.movingMean.value.data);
    const r = m.recalibrateBatchNorm(x, { batchSize: 30, batches: 2 });
    expect(r).toMatchObject({ batches: 2, samples: 60 });
    expect(r.layers.map((l) => l.layer)).toEqual([bn1.name]);
    expect(r.layers[0].valuesPerFeature).toBe(60);
    const first60 = moments64(m.layers[0].apply(ops.gather(x, Int32Array.from({ length: 60 }, (_, i) => i), { axis: 0 })).data, 60, 12);
    expectClose(bn1.movingMean.value.data, first60.mean, F32, 'first 60');
    expect(Array.from(bn2.movingMean.value.data)).toEqual(frozen);
    expect(m.recalibrateBatchNorm(x, { layers: [bn2.name] }).layers.map((l) => l.layer)).toEqual([bn2.name]);
    expect(Array.from(bn2.movingMean.value.data)).not.toEqual(frozen);
  });

  it('changes nothing when a batch is not finite, and names layer, batch and feature', async () => {
    const { x, y } = blobs(96, 8, 4, 5);
    const m = mlp('nan');
    await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    const before = m.getWeights().map((w) => Array.from(w.data));
    const bad = new Tensor(Float32Array.from(x.data), x.shape);
    bad.data[70 * 8 + 3] = NaN;
    expect(() => m.recalibrateBatchNorm(bad, { batchSize: 32 })).toThrow(
      `recalibrateBatchNorm: the input of BatchNormalization 'nan_bn1' must be finite, received a non-finite mean or variance in batch 2 (feature 0); check the data and the weights before it.`,
    );
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
    expect(bns(m).map((l) => l.movingUpdates)).toEqual([3, 3]);
  });

  it('checks its arguments', () => {
    const m = mlp('args');
    const x = randn([4, 8], 1);
    const cases: [unknown, string][] = [
      [{ batchSize: 0 }, 'recalibrateBatchNorm: batchSize must be a positive integer, received 0.'],
      [{ batches: 1.5 }, 'recalibrateBatchNorm: batches must be a positive integer, received 1.5.'],
      [{ layers: ['nope'] }, "recalibrateBatchNorm: layers must name BatchNormalization layers ('args_bn1', 'args_bn2'), received 'nope'."],
      [{ batch: 3 }, "recalibrateBatchNorm: options must only hold batchSize, batches, layers, received 'batch'."],
    ];
    for (const [o, message] of cases) {
      expect(() => m.recalibrateBatchNorm(x, o as never)).toThrow(InvalidArgumentError);
      expect(() => m.recalibrateBatchNorm(x, o as never)).toThrow(message);
    }
    expect(() => m.recalibrateBatchNorm(randn([4, 7], 1))).toThrow(InvalidArgumentError);
  });
});

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadCheckpoint, loadLayersModel, saveCheckpoint, sequential, train, type BatchNormalization, type LayersModel, type ModelArtifacts } from '../src/index.js';
import { expectClose, moments64, randn } from './helpers.js';
import { tf, tfl, toTf } from './tfjs.js';

/*
 * The two hooks model-level tools build on: how many times the moving
 * statistics were updated (movingUpdates), and the last forward pass's
 * input statistics (recordBatchStatistics / lastBatchStatistics).
 */

/** The kernel's float32 statistics of float64 references on unit-scale data. */
const F32 = { atol: 1e-6, rtol: 1e-6 };

function net(prefix: string): { m: LayersModel; bn: BatchNormalization } {
  const m = sequential({
    layers: [
      layers.dense({ units: 5, inputShape: [3], name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn` }),
      layers.dense({ units: 2, activation: 'softmax', name: `${prefix}_d2` }),
    ],
  });
  m.compile({ optimizer: train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return { m, bn: m.layers[1] as BatchNormalization };
}

const snapshot = (bn: BatchNormalization) => [Array.from(bn.movingMean.value.data), Array.from(bn.movingVariance.value.data)];
const labels = (n: number) => new Tensor(Float32Array.from({ length: 2 * n }, (_, i) => ((i >> 1) % 2 === i % 2 ? 1 : 0)), [n, 2]);

async function artifactsOf(m: LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await m.save({ save: (a: ModelArtifacts) => void (saved = a) });
  return saved!;
}

describe('BatchNormalization movingUpdates', () => {
  it('counts training passes that update the moving statistics, and nothing else', async () => {
    const { m, bn } = net('cnt');
    expect(bn.movingUpdates).toBe(0);
    for (let i = 0; i < 3; i++) await m.trainOnBatch(randn([8, 3], i), labels(8));
    expect(bn.movingUpdates).toBe(3);
    m.predict(randn([8, 3], 9));
    await m.evaluate(randn([8, 3], 9), labels(8));
    expect(bn.movingUpdates).toBe(3);
    bn.trainable = false;
    await m.trainOnBatch(randn([8, 3], 10), labels(8));
    expect(bn.movingUpdates).toBe(3);
    bn.trainable = true;
    await m.fit(randn([20, 3], 11), labels(20), { epochs: 2, batchSize: 8, verbose: 0 });
    expect(bn.movingUpdates).toBe(3 + 2 * 3);
  });

  it('is put back with the moving statistics when a batch with a NaN loss is undone', async () => {
    const { m, bn } = net('nan');
    await m.fit(randn([8, 3], 1), labels(8), { epochs: 1, batchSize: 8, verbose: 0 });
    const before = snapshot(bn);
    // Finite inputs (NaN is refused up front), but a first layer whose sums pass float32's range:
    // Infinity, then NaN in batch norm, a NaN loss, and the batch is undone.
    m.layers[0].weights[0].value.data.fill(3e38);
    const h = await m.fit(randn([8, 3], 2, 5, 1), labels(8), { epochs: 1, batchSize: 8, verbose: 0 });
    expect(h.stopReason).toMatch(/NaN/);
    expect(bn.movingUpdates).toBe(1);
    expect(snapshot(bn)).toEqual(before);
  });

  it('survives save/load; TensorFlow.js loads the file (it ignores the key) and predicts the same', async () => {
    const { m, bn } = net('sl');
    for (let i = 0; i < 4; i++) await m.trainOnBatch(randn([8, 3], 20 + i), labels(8));
    const artifacts = await artifactsOf(m);
    const config = (artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[1].config;
    expect(config.moving_updates).toBe(4);
    const back = await loadLayersModel(artifacts);
    expect((back.layers[1] as BatchNormalization).movingUpdates).toBe(4);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const x = randn([6, 3], 30);
    expectClose((theirs.predict(toTf(x)) as tf.Tensor).dataSync(), (m.predict(x) as Tensor).data, { atol: 1e-6 }, 'tfjs predict');
    expect(bn.movingUpdates).toBe(4);
  });

  it('is unknown (null) for a model TensorFlow.js saved, and stays null through training and saving', async () => {
    const theirs = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3] }), tfl.layers.batchNormalization(), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
    let saved: tf.io.ModelArtifacts | null = null;
    await theirs.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const ours = await loadLayersModel(saved! as ModelArtifacts);
    const bn = ours.layers[1] as BatchNormalization;
    expect(bn.movingUpdates).toBeNull();
    ours.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await ours.trainOnBatch(randn([8, 3], 3), labels(8));
    expect(bn.movingUpdates).toBeNull();
    const config = ((await artifactsOf(ours)).modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[1].config;
    expect('moving_updates' in config).toBe(false);
  });

  it('survives a checkpoint', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-bn-ckpt-'));
    try {
      const { m } = net('ck');
      for (let i = 0; i < 3; i++) await m.trainOnBatch(randn([4, 3], 40 + i), labels(4));
      await saveCheckpoint(dir, m, {
        position: { epoch: 1, batch: 0, step: 3, sums: [0], seen: 0, seconds: 0 },
        history: { epoch: [0], history: { loss: [0.5] } },
        fit: { epochs: 2, batchSize: 4, seed: 0, shuffle: true, samples: 12 },
      });
      const loaded = await loadCheckpoint(dir);
      expect((loaded.model.layers[1] as BatchNormalization).movingUpdates).toBe(3);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a count that is not a non-negative integer', () => {
    for (const bad of [-1, 2.5, Number.NaN, '3']) {
      expect(() => layers.batchNormalization({ name: 'bad_count', movingUpdates: bad as never })).toThrow(InvalidArgumentError);
    }
    expect(() => layers.batchNormalization({ name: 'bad_count', movingUpdates: -1 })).toThrow(
      "BatchNormalization 'bad_count': movingUpdates must be a non-negative integer or null (unknown), received -1.",
    );
  });
});

describe('BatchNormalization recordBatchStatistics', () => {
  it('is off by default: nothing recorded', async () => {
    const { m, bn } = net('off');
    await m.trainOnBatch(randn([8, 3], 1), labels(8));
    expect(bn.lastBatchStatistics).toBeNull();
  });

  it('records the training batch statistics as float64 copies that outlive the step', async () => {
    const bn = layers.batchNormalization({ name: 'rec_train', inputShape: [4] });
    const m = sequential({ layers: [bn] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    bn.recordBatchStatistics = true;
    const x = randn([12, 4], 5, 3, 2);
    await m.trainOnBatch(x, randn([12, 4], 6));
    // A later step reuses the pooled memory of this one; the record must not change with it.
    await m.trainOnBatch(randn([12, 4], 7), randn([12, 4], 8));
    const after = bn.lastBatchStatistics!;
    bn.recordBatchStatistics = false;
    await m.trainOnBatch(x, randn([12, 4], 6));
    expect(bn.lastBatchStatistics).toBe(after);
    const ref = moments64(randn([12, 4], 7).data, 12, 4);
    expect(after.mean).toBeInstanceOf(Float64Array);
    expectClose(after.mean, ref.mean, F32, 'batch mean');
    expectClose(after.variance, ref.variance, F32, 'biased batch variance');
    expect(after.count).toBe(12);
    expect(after.training).toBe(true);
  });

  it('records over every axis but the feature axis, in inference mode too, without changing any state', () => {
    const bn = layers.batchNormalization({ name: 'rec_conv', axis: 1 });
    const x = randn([3, 2, 4, 5], 9, 1, 3); // channels first: 2 features, 3*4*5 = 60 values each
    bn.apply(x); // build
    bn.recordBatchStatistics = true;
    const before = bn.weights.map((w) => Array.from(w.value.data));
    bn.apply(x);
    const s = bn.lastBatchStatistics!;
    const ref = moments64(x.data, 60, 2, (r, j) => Math.floor(r / 20) * 40 + j * 20 + (r % 20));
    expectClose(s.mean, ref.mean, F32, 'mean, axis 1');
    expectClose(s.variance, ref.variance, { atol: 1e-5, rtol: 1e-6 }, 'variance, axis 1');
    expect(s.count).toBe(60);
    expect(s.training).toBe(false);
    expect(bn.weights.map((w) => Array.from(w.value.data))).toEqual(before);
    expect(bn.movingUpdates).toBe(0);
  });
});

import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadLayersModel, sequential, train, type BatchNormalization, type LayersModel, type ModelArtifacts, type NormalizeWith } from '../src/index.js';
import { expectClose, randn } from './helpers.js';
import { tf, tfl, toTf } from './tfjs.js';

/*
 * BatchNormalization's three switches (normalizeWith, updateMovingStatistics,
 * trainGammaBeta), the `trainable` preset, and the fine-tuning failure they
 * exist for: a "frozen" base whose moving statistics fit() still changes
 * (keras-team/keras #9965, #13892).
 */

const snapshot = (ts: { value: Tensor }[]) => ts.map((w) => Array.from(w.value.data));
const oneHot = (n: number) => new Tensor(Float32Array.from({ length: 2 * n }, (_, i) => ((i >> 1) % 2 === i % 2 ? 1 : 0)), [n, 2]);

async function artifactsOf(m: LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await m.save({ save: (a: ModelArtifacts) => void (saved = a) });
  return saved!;
}

/** A base (Dense -> BN -> relu) trained on data around 0, and a fresh head. */
async function pretrainedBase(prefix: string, bnArgs: object) {
  const dense = layers.dense({ units: 6, inputShape: [4], name: `${prefix}_base_dense` });
  const bn = layers.batchNormalization({ name: `${prefix}_base_bn`, momentum: 0.9 });
  const m = sequential({ layers: [dense, bn, layers.activation({ activation: 'relu' }), layers.dense({ units: 2, activation: 'softmax', name: `${prefix}_head` })] });
  m.compile({ optimizer: train.sgd(0.05), loss: 'categoricalCrossentropy' });
  await m.fit(randn([64, 4], 1), oneHot(64), { epochs: 2, batchSize: 16, verbose: 0 });
  // Fine-tuning: freeze the base, the way the user chose, then fit on shifted data (mean 3, scale 2).
  dense.trainable = false;
  Object.assign(bn, bnArgs);
  const probe = randn([8, 4], 2);
  const baseOut = () => Array.from(bn.apply(dense.apply(probe)).data);
  return { m, bn, dense, baseOut, shifted: randn([64, 4], 3, 3, 2) };
}

describe('fine-tuning a frozen base (keras-team/keras #9965, #13892)', () => {
  it('reproduced: gamma and beta fixed but batch statistics still used and folded in, the base drifts', async () => {
    // What Keras 2's trainable=False did inside fit(): only the weights were frozen.
    const { m, bn, baseOut, shifted } = await pretrainedBase('legacy', { trainGammaBeta: false });
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual(['batch', true, false]);
    const before = { stats: snapshot([bn.movingMean, bn.movingVariance]), affine: snapshot([bn.gamma!, bn.beta!]), out: baseOut() };
    await m.fit(shifted, oneHot(64), { epochs: 1, batchSize: 16, verbose: 0 });
    expect(snapshot([bn.gamma!, bn.beta!])).toEqual(before.affine);
    expect(snapshot([bn.movingMean, bn.movingVariance])).not.toEqual(before.stats);
    // The "frozen" base now maps the same inputs elsewhere: the failure users report.
    expect(Math.max(...baseOut().map((v, i) => Math.abs(v - before.out[i])))).toBeGreaterThan(0.1);
  });

  it('fixed: trainable = false freezes all three, so the base is bit-identical after fit()', async () => {
    const { m, bn, baseOut, shifted } = await pretrainedBase('fixed', { trainable: false });
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual(['moving', false, false]);
    const before = { weights: snapshot(bn.weights), out: baseOut(), head: snapshot(m.layers[3].weights) };
    await m.fit(shifted, oneHot(64), { epochs: 1, batchSize: 16, verbose: 0 });
    expect(snapshot(bn.weights)).toEqual(before.weights);
    expect(baseOut()).toEqual(before.out);
    expect(bn.movingUpdates).toBe(8);
    expect(snapshot(m.layers[3].weights)).not.toEqual(before.head);
  });
});

describe('each switch does exactly one thing', () => {
  const combos: [NormalizeWith, boolean, boolean][] = [];
  for (const n of ['batch', 'moving'] as const) for (const u of [true, false]) for (const t of [true, false]) combos.push([n, u, t]);

  it.each(combos)('normalizeWith %s, updateMovingStatistics %s, trainGammaBeta %s', async (normalizeWith, update, trainAffine) => {
    const dense = layers.dense({ units: 3, inputShape: [4] });
    const bn = layers.batchNormalization({ momentum: 0.5, normalizeWith, updateMovingStatistics: update });
    bn.trainGammaBeta = trainAffine;
    const m = sequential({ layers: [dense, bn, layers.dense({ units: 2, activation: 'softmax' })] });
    m.compile({ optimizer: train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const x = randn([8, 4], 5, 1, 2);
    const h = dense.apply(x);
    bn.movingMean.value.data.set([0.3, -0.2, 0.1]);
    bn.movingVariance.value.data.set([2, 0.5, 1.5]);
    // Switch 1 alone decides the statistics of a training-mode output.
    const inference = Array.from(bn.apply(h).data);
    const stats0 = snapshot([bn.movingMean, bn.movingVariance]);
    const trainingOut = Array.from(bn.apply(h, { training: true }).data);
    expect(trainingOut.every((v, i) => v === inference[i])).toBe(normalizeWith === 'moving');
    // Switch 2 alone decides whether a training pass (here apply, then fit's step) moves the statistics.
    expect(snapshot([bn.movingMean, bn.movingVariance]).every((s, i) => s.every((v, j) => v === stats0[i][j]))).toBe(!update);
    const stats1 = snapshot([bn.movingMean, bn.movingVariance]);
    const affine = snapshot([bn.gamma!, bn.beta!]);
    const kernel = snapshot([dense.weights[0]]);
    await m.trainOnBatch(x, oneHot(8));
    expect(JSON.stringify(snapshot([bn.movingMean, bn.movingVariance])) === JSON.stringify(stats1)).toBe(!update);
    expect(bn.movingUpdates).toBe(update ? 2 : 0);
    // Switch 3 alone decides whether gamma and beta learn.
    expect(JSON.stringify(snapshot([bn.gamma!, bn.beta!])) === JSON.stringify(affine)).toBe(!trainAffine);
    expect(bn.trainableWeights.map((w) => w.name)).toEqual(trainAffine ? ['gamma', 'beta'] : []);
    // Gradients reach the layer below in every combination.
    expect(snapshot([dense.weights[0]])).not.toEqual(kernel);
    // And setting one switch leaves the other two as they were.
    bn.normalizeWith = normalizeWith === 'batch' ? 'moving' : 'batch';
    expect([bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual([update, trainAffine]);
    bn.updateMovingStatistics = !update;
    expect([bn.normalizeWith, bn.trainGammaBeta]).toEqual([normalizeWith === 'batch' ? 'moving' : 'batch', trainAffine]);
  });
});

describe('the trainable preset and the state across save/load', () => {
  it('trainable sets all three (layer and model level); reading it reads trainGammaBeta', () => {
    const bn = layers.batchNormalization({ trainable: false, updateMovingStatistics: true });
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta, bn.trainable]).toEqual(['moving', true, false, false]);
    bn.trainable = true;
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual(['batch', true, true]);
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] }), bn] });
    m.trainable = false;
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual(['moving', false, false]);
    bn.trainGammaBeta = true;
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainable]).toEqual(['moving', false, true]);
  });

  it('every combination survives save/load, and TensorFlow.js loads the file (it ignores the keys) and predicts the same', async () => {
    const bn = layers.batchNormalization({ inputShape: [3], normalizeWith: 'moving', updateMovingStatistics: true, trainable: true });
    bn.trainGammaBeta = false;
    const m = sequential({ layers: [bn] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await m.trainOnBatch(randn([8, 3], 1, 2, 2), randn([8, 3], 2));
    const artifacts = await artifactsOf(m);
    const config = (artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[0].config;
    expect([config.trainable, config.normalize_with, config.update_moving_statistics]).toEqual([false, 'moving', true]);
    const back = (await loadLayersModel(artifacts)).layers[0] as BatchNormalization;
    expect([back.normalizeWith, back.updateMovingStatistics, back.trainGammaBeta]).toEqual(['moving', true, false]);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const x = randn([4, 3], 3);
    expectClose((theirs.predict(toTf(x)) as tf.Tensor).dataSync(), (m.predict(x) as Tensor).data, { atol: 1e-6 }, 'tfjs predict');
  });

  it('a TensorFlow.js file with trainable false loads as the frozen preset', async () => {
    const theirs = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [3], trainable: false })] });
    let saved: tf.io.ModelArtifacts | null = null;
    await theirs.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const bn = (await loadLayersModel(saved! as ModelArtifacts)).layers[0] as BatchNormalization;
    expect([bn.normalizeWith, bn.updateMovingStatistics, bn.trainGammaBeta]).toEqual(['moving', false, false]);
  });

  it('refuses bad switch values with messages naming them', () => {
    const bn = layers.batchNormalization({ name: 'bad_sw' });
    expect(() => layers.batchNormalization({ name: 'bad_sw', normalizeWith: 'running' as never })).toThrow("BatchNormalization 'bad_sw': normalizeWith must be one of 'batch', 'moving', received 'running'.");
    expect(() => (bn.normalizeWith = 'mean' as never)).toThrow(InvalidArgumentError);
    expect(() => (bn.updateMovingStatistics = 1 as never)).toThrow("BatchNormalization 'bad_sw': updateMovingStatistics must be a boolean, received 1.");
    expect(() => (bn.trainGammaBeta = 'no' as never)).toThrow(/trainGammaBeta must be a boolean/);
  });
});

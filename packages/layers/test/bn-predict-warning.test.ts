import { Tensor } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { layers, loadLayersModel, sequential, setWarningHandler, train, type BatchNormalization, type LayersModel, type ModelArtifacts } from '../src/index.js';
import { blobs } from './bn-tools-helpers.js';

/*
 * predict warns once per layer when a batch norm's moving statistics were
 * never updated or updated fewer than 1/(1 - momentum) times.
 */

const warnings: string[] = [];
setWarningHandler((m) => void warnings.push(m));
afterEach(() => void (warnings.length = 0));

function net(prefix: string, momentum = 0.99): LayersModel {
  const m = sequential({
    name: prefix,
    layers: [
      layers.dense({ units: 4, inputShape: [8], name: `${prefix}_d` }),
      layers.batchNormalization({ name: `${prefix}_bn`, momentum }),
      layers.dense({ units: 4, activation: 'softmax', name: `${prefix}_out` }),
    ],
  });
  m.compile({ optimizer: train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return m;
}

describe('predict and stale moving statistics', () => {
  it('warns once when they were never updated', () => {
    const m = net('never');
    const { x } = blobs(8, 8, 4, 1);
    m.predict(x);
    m.predict(x);
    expect(warnings).toEqual([
      "Sequential 'never' predict: BatchNormalization 'never_bn': the moving mean and variance were never updated (still at their initializers), so inference normalizes with them instead of the data's statistics. Train longer, or recompute them with model.recalibrateBatchNorm(trainingData).",
    ]);
  });

  it('warns once when updated fewer than 1/(1 - momentum) times, and not after enough', async () => {
    const { x, y } = blobs(40, 8, 4, 2);
    const m = net('few', 0.9);
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    m.predict(x);
    m.predict(x);
    expect(warnings).toEqual([
      "Sequential 'few' predict: BatchNormalization 'few_bn': the moving statistics have had 5 updates, fewer than 1/(1 - momentum) = 10; the initializers still weigh 59 % in them. Train longer, or recompute them with model.recalibrateBatchNorm(trainingData).",
    ]);
    warnings.length = 0;
    const enough = net('enough', 0.9);
    await enough.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect((enough.layers[1] as BatchNormalization).movingUpdates).toBe(10);
    enough.predict(x);
    expect(warnings).toEqual([]);
  });

  it('does not warn after recalibration, nor for statistics set by hand or loaded without a count', async () => {
    const { x } = blobs(16, 8, 4, 3);
    const m = net('recal');
    m.recalibrateBatchNorm(x);
    m.predict(x);
    const set = net('set');
    const bn = set.layers[1] as BatchNormalization;
    bn.movingMean.assign(new Tensor(Float32Array.from([1, 2, 3, 4]), [4]), 'test');
    set.predict(x);
    let saved: ModelArtifacts | null = null;
    await m.save({ save: (a: ModelArtifacts) => void (saved = a) });
    const json = JSON.stringify(saved!.modelTopology).replace(/,"moving_updates":\d+/g, '');
    const loaded = await loadLayersModel({ ...saved!, modelTopology: JSON.parse(json) });
    expect((loaded.layers[1] as BatchNormalization).movingUpdates).toBeNull();
    loaded.predict(x);
    expect(warnings).toEqual([]);
  });
});

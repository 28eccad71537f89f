import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadLayersModel, sequential, type BatchNormalization, type ModelArtifacts } from '../src/index.js';
import { moments } from './bn-reference.js';
import { expectClose, randn } from './helpers.js';
import { tf, tfl } from './tfjs.js';

/*
 * The moving averages besides Keras' exponential one: the cumulative average
 * (momentum null, PyTorch's momentum=None) and the bias-corrected exponential
 * average, against float64 references over several batches of different
 * sizes and spreads.
 */

/** Float32 moving statistics after a few float64-exact axpby updates. */
const F32 = { atol: 1e-6, rtol: 1e-6 };

const batches = [randn([8, 3], 1, 2, 1), randn([5, 3], 2, -1, 3), randn([12, 3], 3, 0.5, 0.5), randn([6, 3], 4, 4, 2)];

function trainOn(bn: BatchNormalization): void {
  for (const x of batches) bn.apply(x, { training: true });
}

describe('cumulative moving average (momentum null)', () => {
  it('the moving statistics are the plain mean of every batch statistic so far', () => {
    const bn = layers.batchNormalization({ momentum: null });
    batches.forEach((x, k) => {
      bn.apply(x, { training: true });
      const seen = batches.slice(0, k + 1).map((b) => moments(b.data, 3, 0, b.shape[0]));
      const avg = (key: 'mean' | 'variance') => [0, 1, 2].map((j) => seen.reduce((s, m) => s + m[key][j], 0) / seen.length);
      expectClose(bn.movingMean.value.data, avg('mean'), F32, `mean after ${k + 1}`);
      expectClose(bn.movingVariance.value.data, avg('variance'), F32, `variance after ${k + 1}`);
    });
    expect(bn.movingUpdates).toBe(4);
  });

  it('the first batch replaces the initializers, whatever they were', () => {
    const bn = layers.batchNormalization({ momentum: null, movingMeanInitializer: 'ones' });
    bn.apply(batches[0], { training: true });
    const m = moments(batches[0].data, 3, 0, 8);
    expectClose(bn.movingMean.value.data, m.mean, F32, 'first mean');
    expectClose(bn.movingVariance.value.data, m.variance, F32, 'first variance');
  });

  it('momentum null survives save/load; TensorFlow.js still loads the file', async () => {
    const bn = layers.batchNormalization({ momentum: null, inputShape: [3] });
    const m = sequential({ layers: [bn] });
    trainOn(bn);
    let artifacts: ModelArtifacts | null = null;
    await m.save({ save: (a: ModelArtifacts) => void (artifacts = a) });
    const back = (await loadLayersModel(artifacts!)).layers[0] as BatchNormalization;
    expect([back.momentum, back.movingUpdates]).toEqual([null, 4]);
    // TensorFlow.js reads momentum null as its default 0.99: only training there would differ.
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts! as tf.io.ModelArtifacts));
    expect((theirs.predict(tf.ones([1, 3])) as tf.Tensor).dataSync()).toEqual((m.predict(new Tensor(new Float32Array(3).fill(1), [1, 3])) as Tensor).data);
  });

  it('needs the update count: a loaded model without it is refused with a message saying what to do', () => {
    const bn = layers.batchNormalization({ name: 'cma_unknown', momentum: null, movingUpdates: null });
    expect(() => bn.apply(batches[0], { training: true })).toThrow(
      "BatchNormalization 'cma_unknown': movingUpdates must be known with momentum null (cumulative average), received null (a loaded model that did not record it); set it to the number of updates already averaged, or 0 to restart.",
    );
    bn.movingUpdates = 0;
    bn.apply(batches[0], { training: true });
    expect(bn.movingUpdates).toBe(1);
  });
});

describe('bias-corrected exponential moving average (biasCorrection)', () => {
  it('equals the debiased average sum_i (1-m) m^(t-i) b_i / (1 - m^t) of the batches alone', () => {
    const m = 0.9;
    const bn = layers.batchNormalization({ momentum: m, biasCorrection: true, movingVarianceInitializer: 'zeros' });
    const stats = batches.map((b) => moments(b.data, 3, 0, b.shape[0]));
    batches.forEach((x, k) => {
      bn.apply(x, { training: true });
      const t = k + 1;
      const debiased = (key: 'mean' | 'variance') =>
        [0, 1, 2].map((j) => stats.slice(0, t).reduce((s, st, i) => s + (1 - m) * m ** (t - 1 - i) * st[key][j], 0) / (1 - m ** t));
      expectClose(bn.movingMean.value.data, debiased('mean'), F32, `mean after ${t}`);
      expectClose(bn.movingVariance.value.data, debiased('variance'), F32, `variance after ${t}`);
    });
  });

  it('after a short run it is near the data, where the plain average is still near its initializers', () => {
    const plain = layers.batchNormalization({ momentum: 0.99 });
    const corrected = layers.batchNormalization({ momentum: 0.99, biasCorrection: true });
    const x = randn([32, 3], 9, 5, 1);
    for (let i = 0; i < 10; i++) {
      plain.apply(x, { training: true });
      corrected.apply(x, { training: true });
    }
    const truth = moments(x.data, 3, 0, 32).mean;
    expectClose(corrected.movingMean.value.data, truth, F32, 'corrected mean');
    expect(Math.abs(plain.movingMean.value.data[0] - truth[0])).toBeGreaterThan(4);
  });

  it('is refused with momentum null', () => {
    expect(() => layers.batchNormalization({ name: 'bc', momentum: null, biasCorrection: true })).toThrow(InvalidArgumentError);
    const bn = layers.batchNormalization({ name: 'bc2', biasCorrection: true });
    expect(() => (bn.momentum = null)).toThrow("BatchNormalization 'bc2': momentum must be a number with biasCorrection, received null.");
  });
});

import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { inspectBatchNorm, layers, sequential, setWarningHandler, train, type BatchNormalization } from '../src/index.js';
import { blobs } from './bn-tools-helpers.js';
import { expectClose, moments64 } from './helpers.js';

/*
 * inspectBatchNorm: per batch norm and feature, the statistics inference
 * feeds it over the whole data versus its moving statistics, with flags
 * and the train/eval check of the first batch.
 */

setWarningHandler(() => {});

describe('inspectBatchNorm', () => {
  it('compares the data statistics every layer sees at inference with its moving statistics', async () => {
    const { x, y } = blobs(90, 8, 4, 1, 3);
    const m = sequential({
      layers: [
        layers.dense({ units: 5, inputShape: [8], useBias: false, name: 'in_d' }),
        layers.batchNormalization({ name: 'in_bn' }),
        layers.activation({ activation: 'relu', name: 'in_r' }),
        layers.dense({ units: 4, activation: 'softmax', name: 'in_out' }),
      ],
    });
    m.compile({ optimizer: train.sgd(0.01), loss: 'categoricalCrossentropy' });
    await m.fit(x, y, { epochs: 1, batchSize: 30, verbose: 0 });
    const bn = m.layers[1] as BatchNormalization;
    bn.gamma!.assign(new Tensor(Float32Array.from([1, 0, 1, 1, 1]), [5]), 'test');
    const r = inspectBatchNorm(m, x, { batchSize: 32 });
    expect(r).toMatchObject({ samples: 90, batches: 3 });
    const [l] = r.layers;
    const ref = moments64(m.layers[0].apply(x).data, 90, 5);
    expectClose(l.dataMean, ref.mean, { atol: 1e-5, rtol: 1e-5 }, 'data mean');
    expectClose(l.dataVariance, ref.variance, { atol: 1e-5, rtol: 1e-5 }, 'data variance');
    expect(Array.from(l.movingMean)).toEqual(Array.from(bn.movingMean.value.data));
    expect(l.meanGap[2]).toBeCloseTo(Math.abs(ref.mean[2] - l.movingMean[2]) / Math.sqrt(l.movingVariance[2] + 1e-3), 5);
    expect(l.updates).toBe(3);
    expect(l.staleness).toContain('have had 3 updates');
    expect(l.flags.map((f) => [f.kind, f.feature])).toEqual([['dead-gamma', 1]]);
    expect(r.check.layers[0].causes[0].kind).toBe('too-few-updates');
    expect(r.check.batchSize).toBe(32);
  });

  it('checks its arguments', () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] }), layers.batchNormalization()] });
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expect(() => inspectBatchNorm(m, x, { batches: 0 })).toThrow('inspectBatchNorm: batches must be a positive integer, received 0.');
    expect(() => inspectBatchNorm(m, x, { explodingVariance: 0 })).toThrow('inspectBatchNorm: explodingVariance must be > 0, received 0.');
    expect(() => inspectBatchNorm(m, new Tensor(new Float32Array(0), [0, 3]))).toThrow(InvalidArgumentError);
  });
});

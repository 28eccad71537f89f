import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, model, sequential, setWarningHandler, train, type BatchNormalization, type LayersModel } from '../src/index.js';
import { blobs } from './bn-tools-helpers.js';
import { randn } from './helpers.js';

/*
 * checkBatchNorm: one batch in training mode and in inference mode, nothing
 * changed, and per layer how far they diverge and why.
 */

// These models are stale on purpose: predict's warning is tested in bn-predict-warning.test.ts.
setWarningHandler(() => {});

function net(prefix: string, extra: { dropout?: boolean; momentum?: number } = {}): LayersModel {
  const momentum = extra.momentum ?? 0.99;
  const m = sequential({
    layers: [
      layers.dense({ units: 10, inputShape: [8], useBias: false, name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn1`, momentum }),
      layers.activation({ activation: 'relu', name: `${prefix}_r1` }),
      ...(extra.dropout ? [layers.dropout({ rate: 0.5, name: `${prefix}_drop` })] : []),
      layers.dense({ units: 6, useBias: false, name: `${prefix}_d2` }),
      layers.batchNormalization({ name: `${prefix}_bn2`, momentum }),
      layers.activation({ activation: 'relu', name: `${prefix}_r2` }),
      layers.dense({ units: 4, activation: 'softmax', name: `${prefix}_out` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const kinds = (m: LayersModel, x: Tensor, reference?: Tensor) => m.checkBatchNorm(x, reference ? { reference } : {}).layers.map((l) => l.causes.map((c) => c.kind));

/**
 * A model whose statistics are fresh: 160 updates at momentum 0.9 (an average over about the last
 * 10 steps) and a small learning rate. At momentum 0.99 the averages would span 12 of the 20 epochs
 * and lag the growing kernels (checkBatchNorm rightly calls that stale).
 */
async function trained(prefix: string, seed = 1, extra = {}): Promise<{ m: LayersModel; x: Tensor; y: Tensor }> {
  const { x, y } = blobs(256, 8, 4, seed);
  const m = net(prefix, { momentum: 0.9, ...extra });
  m.compile({ optimizer: train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await m.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
  return { m, x, y };
}

describe('checkBatchNorm', () => {
  it('says so when the moving statistics were never updated', () => {
    const m = net('never');
    const { x } = blobs(64, 8, 4, 1, 5);
    const check = m.checkBatchNorm(x);
    expect(check.ok).toBe(false);
    expect(check.layers[0].causes.map((c) => c.kind)).toEqual(['never-updated']);
    expect(check.layers[0].causes[0].message).toContain("BatchNormalization 'never_bn1': the moving mean and variance were never updated");
    expect(check.layers[0].divergence).toBeGreaterThan(0.5);
    expect(check.layers[0].valuesPerFeature).toBe(64);
  });

  it('says how many updates there were when too few', async () => {
    const { x, y } = blobs(64, 8, 4, 1, 5);
    const m = net('few');
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const [bn1] = m.checkBatchNorm(x).layers;
    expect(bn1.updates).toBe(4);
    expect(bn1.causes[0].kind).toBe('too-few-updates');
    expect(bn1.causes[0].message).toContain('have had 4 updates, fewer than 1/(1 - momentum) = 100; the initializers still weigh 96 % in them');
  });

  it('finds nothing wrong with a well-trained model on its own data, in big batches', async () => {
    const { m, x } = await trained('fresh');
    const check = m.checkBatchNorm(x);
    expect(check.ok).toBe(true);
    for (const l of check.layers) {
      expect(l.causes).toEqual([]);
      expect(l.divergence).toBeLessThan(0.05);
    }
    expect(check.agreement[0]).toBeGreaterThan(0.98);
  });

  it('tells distribution shift from stale statistics with reference data', async () => {
    const { m, x } = await trained('shift');
    const shifted = new Tensor(x.data.map((v) => 1.5 * v + 2), x.shape);
    expect(kinds(m, shifted, x)[0]).toEqual(['distribution-shift']);
    expect(kinds(m, shifted)[0]).toEqual(['stale-or-shift']);
    // The same model with its first kernel rescaled: the statistics fit neither the data nor the reference.
    const d1 = m.layers[0].weights[0];
    d1.assign(new Tensor(d1.value.data.map((v) => 2 * v), d1.shape), 'test');
    const check = m.checkBatchNorm(x, { reference: x });
    expect(check.layers[0].causes.map((c) => c.kind)).toEqual(['stale-statistics']);
    expect(check.layers[0].causes[0].message).toMatch(/^stale statistics: the moving statistics match neither this batch \(off by [\d.]+ standard deviations in mean and 4\.\d\dx in variance \(feature \d+\)\)/);
    expect(check.layers[1].causes.map((c) => c.kind)).toEqual(['inherited']);
    expect(check.layers[1].causes[0].message).toBe("inherits the divergence of 'shift_bn1' before it; its own statistics agree within sampling noise.");
  });

  it('blames a small batch when its statistics agree with the moving ones within sampling noise', async () => {
    const { m, x } = await trained('small');
    const two = new Tensor(x.data.slice(0, 16), [2, 8]);
    const check = m.checkBatchNorm(two);
    expect(check.layers[0].valuesPerFeature).toBe(2);
    expect(check.layers[0].divergence).toBeGreaterThan(0.3);
    expect(check.layers[0].causes.map((c) => c.kind)).toEqual(['batch-too-small']);
    expect(check.layers[0].causes[0].message).toContain('batch too small: 2 values per feature');
  });

  it('changes no weight, update count, recorded statistics or dropout stream', async () => {
    const { m, x } = await trained('still', 2, { dropout: true });
    const bn = m.layers[1] as BatchNormalization;
    bn.recordBatchStatistics = true;
    m.predict(x);
    const recorded = bn.lastBatchStatistics;
    const weights = m.getWeights().map((w) => Array.from(w.data));
    const counts = m.layers.map((l) => (l as BatchNormalization).movingUpdates);
    const random = m.getRandomState();
    m.checkBatchNorm(new Tensor(x.data.slice(0, 40), [5, 8]));
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(weights);
    expect(m.layers.map((l) => (l as BatchNormalization).movingUpdates)).toEqual(counts);
    expect(bn.lastBatchStatistics).toBe(recorded);
    expect(m.getRandomState()).toEqual(random);
  });

  it('reports a frozen layer (trainable: false runs in inference mode) as not diverging', async () => {
    const m = net('frozen');
    (m.layers[1] as BatchNormalization).trainable = false;
    const check = m.checkBatchNorm(blobs(32, 8, 4, 1, 5).x);
    expect(check.layers[0]).toMatchObject({ divergence: 0, causes: [] });
  });

  it('handles a layer called twice and multiple outputs', async () => {
    const x = layers.input({ shape: [5] });
    const bn = layers.batchNormalization({ name: 'twice_bn' });
    const a = bn.apply(layers.dense({ units: 3, name: 'twice_a' }).apply(x));
    const b = bn.apply(layers.dense({ units: 3, name: 'twice_b' }).apply(x));
    const m = model({ inputs: x, outputs: [a, b] });
    const check = m.checkBatchNorm(randn([16, 5], 1));
    expect(check.layers.map((l) => l.layer)).toEqual(['twice_bn', 'twice_bn#2']);
    expect(check.outputDivergence).toHaveLength(2);
    expect(check.agreement).toHaveLength(2);
  });

  it('names non-finite outputs', () => {
    const m = net('nonfinite');
    const x = randn([8, 8], 1);
    x.data[3] = Infinity;
    expect(m.checkBatchNorm(x).layers[0].causes.map((c) => c.kind)).toEqual(['non-finite']);
  });

  it('checks its arguments', () => {
    const m = net('args');
    expect(() => m.checkBatchNorm(randn([4, 7], 1))).toThrow(InvalidArgumentError);
    expect(() => m.checkBatchNorm(randn([4, 8], 1), { reference: randn([4, 3], 1) })).toThrow(/^checkBatchNorm reference: /);
    expect(() => m.checkBatchNorm(randn([4, 8], 1), { ref: 1 } as never)).toThrow("checkBatchNorm: options must only hold reference, received 'ref'.");
  });
});

import { InvalidArgumentError, Tensor, randomUniform } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadLayersModel, model, sequential, setWarningHandler, type LayersModel, type ModelArtifacts } from '../src/index.js';
import { maxAbsDiff, randn } from './helpers.js';

/*
 * foldBatchNorm: each batch norm after a Conv2D or Dense with a linear
 * activation moves into that layer's kernel and bias; the rest stays.
 */

setWarningHandler(() => {});

/**
 * Largest output change folding may introduce: the folded weights are
 * rounded to float32 once and summed in another order, a few ulps of
 * outputs of order 1 (dot products of up to 72 terms here).
 */
const FOLD_ATOL = 2e-5;

/** Every weight random (gamma, beta, moving statistics far from 1 and 0), so a wrong fold cannot hide. */
function randomize(m: LayersModel, seed: number): void {
  m.weights.forEach((w, i) => {
    const shape = [...w.shape];
    const lo = w.name === 'moving_variance' ? 0.2 : w.name === 'gamma' ? 0.5 : -1;
    const hi = w.name === 'moving_variance' ? 3 : w.name === 'gamma' ? 2 : 1;
    w.assign(randomUniform(shape, { minval: lo, maxval: hi, seed: seed * 100 + i }), 'test');
  });
}

function cnn(prefix: string): LayersModel {
  const m = sequential({
    layers: [
      layers.inputLayer({ shape: [8, 8, 2], name: `${prefix}_in` }),
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: `${prefix}_c1` }),
      layers.batchNormalization({ name: `${prefix}_bn1` }),
      layers.activation({ activation: 'relu', name: `${prefix}_r1` }),
      layers.maxPooling2d({ poolSize: 2, name: `${prefix}_p` }),
      layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, name: `${prefix}_c2` }),
      layers.batchNormalization({ name: `${prefix}_bn2`, center: false }),
      layers.activation({ activation: 'relu', name: `${prefix}_r2` }),
      layers.flatten({ name: `${prefix}_f` }),
      layers.dense({ units: 6, useBias: false, name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn3`, scale: false, epsilon: 0.01 }),
      layers.activation({ activation: 'relu', name: `${prefix}_r3` }),
      layers.dropout({ rate: 0.4, name: `${prefix}_drop` }),
      layers.dense({ units: 3, activation: 'softmax', name: `${prefix}_out` }),
    ],
  });
  randomize(m, 1);
  return m;
}

describe('foldBatchNorm', () => {
  it('folds every batch norm after a Conv2D or Dense, with or without bias, center and scale', () => {
    const m = cnn('cnn');
    const x = randn([6, 8, 8, 2], 3);
    const f = m.foldBatchNorm({ data: x });
    expect(f.folded).toEqual([
      { layer: 'cnn_bn1', into: 'cnn_c1' },
      { layer: 'cnn_bn2', into: 'cnn_c2' },
      { layer: 'cnn_bn3', into: 'cnn_d1' },
    ]);
    expect(f.kept).toEqual([]);
    expect(f.model.layers.map((l) => l.className)).not.toContain('BatchNormalization');
    expect(f.model.layers.map((l) => l.name)).toEqual(['cnn_in', 'cnn_c1', 'cnn_r1', 'cnn_p', 'cnn_c2', 'cnn_r2', 'cnn_f', 'cnn_d1', 'cnn_r3', 'cnn_drop', 'cnn_out']);
    const reference = m.predict(x) as Tensor;
    const folded = f.model.predict(x) as Tensor;
    expect(f.maxDifference).toBe(maxAbsDiff(folded.data, reference.data));
    expect(f.maxDifference).toBeLessThanOrEqual(FOLD_ATOL);
    // The pre-activations must match too, not just the saturating softmax: compare before it.
    const upTo = (mm: LayersModel, name: string) => {
      let t: Tensor = x;
      for (const l of mm.layers.filter((k) => k.className !== 'InputLayer')) {
        t = l.apply(t);
        if (l.name === name) return t;
      }
      throw new Error(name);
    };
    expect(maxAbsDiff(upTo(f.model, 'cnn_r3').data, upTo(m, 'cnn_r3').data)).toBeLessThanOrEqual(FOLD_ATOL);
  });

  it('gives a model that shares nothing with the original and saves and loads', async () => {
    const m = cnn('own');
    const x = randn([2, 8, 8, 2], 4);
    const f = m.foldBatchNorm();
    expect(f.maxDifference).toBeNull();
    const before = Array.from((f.model.predict(x) as Tensor).data);
    randomize(m, 9);
    expect(Array.from((f.model.predict(x) as Tensor).data)).toEqual(before);
    let saved: ModelArtifacts | null = null;
    await f.model.save({ save: (a: ModelArtifacts) => void (saved = a) });
    const again = await loadLayersModel(saved!);
    expect(Array.from((again.predict(x) as Tensor).data)).toEqual(before);
  });

  it('keeps the batch norms it cannot fold and says why', () => {
    const x = layers.input({ shape: [6], name: 'k_in' });
    const z = layers.dense({ units: 4, name: 'k_shared_out' }).apply(x);
    const a = layers.add({ name: 'k_add' }).apply([layers.batchNormalization({ name: 'k_bn_read_twice' }).apply(z), z]);
    const relu = layers.dense({ units: 4, activation: 'relu', name: 'k_relu' }).apply(x);
    const b = layers.batchNormalization({ name: 'k_bn_after_relu' }).apply(relu);
    const c = layers.batchNormalization({ name: 'k_bn_after_add' }).apply(a);
    const m = model({ inputs: x, outputs: [b, c] });
    randomize(m, 2);
    const data = randn([5, 6], 1);
    const f = m.foldBatchNorm({ data });
    expect(f.folded).toEqual([]);
    expect(f.kept).toEqual([
      { layer: 'k_bn_after_relu', reason: "it follows the 'relu' activation of Dense 'k_relu' (fold needs the activation after the batch norm)" },
      { layer: 'k_bn_read_twice', reason: "the output of Dense 'k_shared_out' is read by other layers too" },
      { layer: 'k_bn_after_add', reason: "it follows Add 'k_add', not a Conv2D or Dense" },
    ]);
    expect(f.maxDifference).toBe(0);
  });

  it('keeps a batch norm on another axis than the channels, and folds a dense on a rank-3 input', () => {
    const m = sequential({
      layers: [
        layers.dense({ units: 4, inputShape: [3, 5], name: 'ax_d' }), layers.batchNormalization({ axis: 1, name: 'ax_bn' }),
        layers.dense({ units: 2, name: 'ax_d2' }), layers.batchNormalization({ name: 'ax_bn2' }),
      ],
    });
    randomize(m, 3);
    const f = m.foldBatchNorm({ data: randn([4, 3, 5], 2) });
    expect(f.kept).toEqual([{ layer: 'ax_bn', reason: 'it normalizes axis 1, not the channel (last) axis' }]);
    expect(f.folded).toEqual([{ layer: 'ax_bn2', into: 'ax_d2' }]);
    expect(f.maxDifference).toBeLessThanOrEqual(FOLD_ATOL);
  });

  it('serves predict({ foldBatchNorm: true })', () => {
    const m = cnn('pred');
    const x = randn([3, 8, 8, 2], 5);
    const plain = m.predict(x) as Tensor;
    const folded = m.predict(x, { foldBatchNorm: true }) as Tensor;
    expect(maxAbsDiff(folded.data, plain.data)).toBeLessThanOrEqual(FOLD_ATOL);
    expect(Array.from(folded.data)).toEqual(Array.from((m.foldBatchNorm().model.predict(x) as Tensor).data));
    expect(() => m.predict(x, { foldBatchNorm: 1 as never })).toThrow("Sequential 'sequential_");
  });

  it('checks its arguments', () => {
    const m = cnn('args');
    expect(() => m.foldBatchNorm({ data: randn([2, 8, 8, 3], 1) })).toThrow(/^foldBatchNorm data: /);
    expect(() => m.foldBatchNorm({ batchSize: -1 })).toThrow('foldBatchNorm: batchSize must be a positive integer, received -1.');
    expect(() => m.foldBatchNorm({ x: 1 } as never)).toThrow(InvalidArgumentError);
  });
});

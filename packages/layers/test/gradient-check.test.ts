import { Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { ops } from '@batchwise/core';
import { BatchNormalization, input, layers, model, sequential, train, type LayersModel } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * Whole-model gradients against central finite differences of the model's
 * own training-mode loss. The model is float32, so the step is large
 * (EPS = 5e-3: float32 rounding of a unit-scale loss, ~1e-7, becomes ~1e-5
 * after dividing by 2*EPS) and the curvature error O(EPS^2) stays ~1e-5.
 * Smooth activations (tanh, sigmoid, softmax) keep every point
 * differentiable; the max pool's winners are separated by more than EPS for
 * these seeds. Gradients flow through the batch statistics, so a backward
 * that treated mean and variance as constants fails these checks.
 */
const EPS = 5e-3;
const TOL = { atol: 2e-3, rtol: 3e-2 };
const PROBES = 6;

/** Dropout draws a new mask per call; reset its counter so every loss evaluation sees the same mask. */
function freezeDropout(m: LayersModel): () => void {
  const drops = m.layers.filter((l) => l.className === 'Dropout') as unknown as { dropoutCalls: number }[];
  return () => drops.forEach((d) => (d.dropoutCalls = 0));
}

function checkGradients(m: LayersModel, x: Tensor | Tensor[], y: Tensor, label: string): number {
  const reset = freezeDropout(m);
  reset();
  const { grads } = m.computeGradients(x, y);
  let worst = 0;
  m.trainableWeights.forEach((w, wi) => {
    const n = w.value.size;
    for (let p = 0; p < Math.min(PROBES, n); p++) {
      const k = Math.floor(((p + 0.5) * n) / Math.min(PROBES, n));
      const saved = w.value.data[k];
      w.value.data[k] = saved + EPS;
      reset();
      const up = m.computeGradients(x, y).loss;
      w.value.data[k] = saved - EPS;
      reset();
      const down = m.computeGradients(x, y).loss;
      w.value.data[k] = saved;
      const fd = (up - down) / (2 * EPS);
      const an = grads[wi].data[k];
      const err = Math.abs(fd - an);
      worst = Math.max(worst, err / (TOL.atol + TOL.rtol * Math.abs(fd)));
      if (err > TOL.atol + TOL.rtol * Math.abs(fd)) {
        throw new Error(`${label}: d loss / d ${w.fullName}[${k}]: finite difference ${fd}, backward ${an} (|diff| ${err})`);
      }
    }
  });
  return worst;
}

function oneHot(rows: number, classes: number): Tensor {
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) y[r * classes + ((r * 3 + 1) % classes)] = 1;
  return new Tensor(y, [rows, classes]);
}

describe('whole-model gradients match central finite differences', () => {
  it('Conv2D-BN-MaxPool-Flatten-Dense-BN(center off)-Dropout-Activation-Dense softmax, fused cross-entropy', () => {
    const m = sequential({
      layers: [
        layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', inputShape: [6, 6, 2] }),
        layers.batchNormalization({ momentum: 0.5 }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 5, useBias: false }),
        layers.batchNormalization({ center: false }),
        layers.dropout({ rate: 0.25, seed: 3 }),
        layers.activation({ activation: 'sigmoid' }),
        layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    m.compile({ optimizer: train.sgd(0.1), loss: 'categoricalCrossentropy' });
    expect(checkGradients(m, randn([4, 6, 6, 2], 1), oneHot(4, 3), 'conv net')).toBeLessThanOrEqual(1);
  });

  it('Dense on rank 3 input, BN over every axis but the last, scale off, MSE', () => {
    const m = sequential({
      layers: [
        layers.dense({ units: 4, inputShape: [3, 5], activation: 'tanh' }),
        layers.batchNormalization({ scale: false }),
        layers.flatten(),
        layers.dense({ units: 2 }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(checkGradients(m, randn([5, 3, 5], 2), randn([5, 2], 3), 'rank-3 dense')).toBeLessThanOrEqual(1);
  });

  it('channels-first BN (axis 1), two paths merged by add and concatenate, binary cross-entropy', () => {
    const x = input({ shape: [4, 3] });
    const a = layers.dense({ units: 3, activation: 'tanh' }).apply(x);
    const bn = layers.batchNormalization({ axis: 1 }).apply(a);
    const b = layers.dense({ units: 3 }).apply(x);
    const sum = layers.add().apply([bn, b]);
    const cat = layers.concatenate({ axis: 1 }).apply([sum, a]);
    const out = layers.dense({ units: 1, activation: 'sigmoid' }).apply(layers.flatten().apply(cat));
    const m = model({ inputs: x, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const y = new Tensor(Float32Array.from([1, 0, 1, 1, 0, 0]), [6, 1]);
    expect(checkGradients(m, randn([6, 4, 3], 4), y, 'two-path graph')).toBeLessThanOrEqual(1);
  });

  it('a shared layer applied twice sums its gradients; general (unfused) cross-entropy after an Activation softmax', () => {
    const x = input({ shape: [4] });
    const shared = layers.dense({ units: 4, activation: 'tanh' });
    const h = shared.apply(shared.apply(x));
    const n = layers.batchNormalization().apply(h);
    const logits = layers.dense({ units: 3 }).apply(n);
    const probs = layers.activation({ activation: 'softmax' }).apply(logits);
    const m = model({ inputs: x, outputs: layers.activation({ activation: 'linear' }).apply(probs) });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    expect(m.compiled!.fused).toBe(false);
    expect(checkGradients(m, randn([5, 4], 5), oneHot(5, 3), 'shared layer')).toBeLessThanOrEqual(1);
  });

  it('sparse categorical cross-entropy fused with a Dense softmax', () => {
    const m = sequential({ layers: [layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), layers.batchNormalization(), layers.dense({ units: 3, activation: 'softmax' })] });
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    expect(m.compiled!.fused).toBe(true);
    const y = new Tensor(Float32Array.from([0, 2, 1, 1, 0, 2]), [6]);
    expect(checkGradients(m, randn([6, 3], 6), y, 'sparse')).toBeLessThanOrEqual(1);
  });

  it('Normalization (fixed statistics) between Dense layers; sparse labels through the general cross-entropy', () => {
    const x = input({ shape: [4] });
    const h = layers.dense({ units: 3, activation: 'tanh' }).apply(x);
    const n = layers.normalization({ mean: [0.1, -0.2, 0.3], variance: [0.5, 2, 0.04] }).apply(h);
    const probs = layers.activation({ activation: 'softmax' }).apply(layers.dense({ units: 3 }).apply(n));
    const m = model({ inputs: x, outputs: layers.activation({ activation: 'linear' }).apply(probs) });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(m.compiled!.fused).toBe(false);
    const y = new Tensor(Float32Array.from([1, 0, 2, 2, 1, 0]), [6, 1]);
    expect(checkGradients(m, randn([6, 4], 9), y, 'normalization')).toBeLessThanOrEqual(1);
  });

  it('fails on a planted bug: batch-norm backward that treats mean and variance as constants', () => {
    const original = BatchNormalization.prototype.backward;
    BatchNormalization.prototype.backward = function (dy, cache, options) {
      const r = original.call(this, dy, cache, options);
      const c = (cache as { pass: { gamma: Tensor; invStd: Tensor } }).pass;
      return { ...r, dInputs: [ops.broadcastBinary(dy, ops.mul(c.gamma, c.invStd), { op: 'mul', axis: -1 })] };
    };
    try {
      const m = sequential({ layers: [layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), layers.batchNormalization(), layers.dense({ units: 2 })] });
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      expect(() => checkGradients(m, randn([6, 3], 7), randn([6, 2], 8), 'planted')).toThrow(/finite difference/);
    } finally {
      BatchNormalization.prototype.backward = original;
    }
  });
});

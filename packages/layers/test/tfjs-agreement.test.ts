import { Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, sequential, train, type BatchNormalization, type LayersModel } from '../src/index.js';
import { maxAbsDiff, randn } from './helpers.js';
import { fromTf, report, tf, tfl, toTf } from './tfjs.js';

/*
 * Proof against TensorFlow.js 4.22 itself: the same weights give the same
 * predictions, one SGD step gives the same weights (so the same gradients),
 * and several steps give the same moving statistics.
 */

/** float32 kernels summing in different orders: agreement to ~1e-6 on unit-scale values; 1e-5 leaves margin. */
const TOL = 1e-5;

interface Pair {
  ours: LayersModel;
  theirs: tfl.LayersModel;
  x: Tensor;
  y: Tensor;
}

function labels(rows: number, classes: number): Tensor {
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) y[r * classes + ((r * 5 + 1) % classes)] = 1;
  return new Tensor(y, [rows, classes]);
}

function denseBn(): Pair {
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 6, inputShape: [5], activation: 'relu' }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const ours = sequential({
    layers: [
      layers.dense({ units: 6, inputShape: [5], activation: 'relu' }),
      layers.batchNormalization(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  return { ours, theirs, x: randn([16, 5], 11), y: labels(16, 3) };
}

function convBnPool(): Pair {
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 2], activation: 'relu', padding: 'same' }),
      tfl.layers.batchNormalization(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  const ours = sequential({
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 2], activation: 'relu', padding: 'same' }),
      layers.batchNormalization(),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  return { ours, theirs, x: randn([6, 8, 8, 2], 12), y: labels(6, 3) };
}

/** Our seeded weights (moving statistics made non-trivial) copied into tfjs, in the shared getWeights order: runs repeat exactly. */
function syncWeights(p: Pair): void {
  const names = p.theirs.weights.map((w) => w.originalName.split('/')[1]);
  expect(p.ours.weights.map((w) => w.name)).toEqual(names);
  const ws = p.ours.getWeights().map((w, i) => {
    if (names[i] === 'moving_mean') return randn(w.shape, 100 + i, 0, 0.5);
    if (names[i] === 'moving_variance') return new Tensor(randn(w.shape, 100 + i).data.map((v) => 1 + 0.4 * Math.tanh(v)), w.shape);
    return w;
  });
  p.ours.setWeights(ws);
  p.theirs.setWeights(ws.map(toTf));
}

function weightDiff(p: Pair): number {
  const a = p.ours.getWeights();
  return Math.max(...p.theirs.getWeights().map((w, i) => maxAbsDiff(a[i].data, w.dataSync())));
}

for (const [name, make] of [['Dense-BN', denseBn], ['Conv2D-BN-MaxPool', convBnPool]] as const) {
  describe(`${name} net agrees with TensorFlow.js`, () => {
    it('predicts the same with the same weights', () => {
      const p = make();
      syncWeights(p);
      const diff = maxAbsDiff((p.ours.predict(p.x) as Tensor).data, (p.theirs.predict(toTf(p.x)) as tf.Tensor).dataSync());
      report(`${name} predict max |diff|`, diff);
      expect(diff).toBeLessThan(TOL);
    });

    it('one SGD trainOnBatch gives the same loss, gradients and weights', async () => {
      const p = make();
      syncWeights(p);
      const before = p.ours.getWeights();
      const lr = 0.1;
      p.theirs.compile({ optimizer: tf.train.sgd(lr), loss: 'categoricalCrossentropy' });
      p.ours.compile({ optimizer: train.sgd(lr), loss: 'categoricalCrossentropy' });
      const lossTheirs = (await p.theirs.trainOnBatch(toTf(p.x), toTf(p.y))) as number;
      const lossOurs = (await p.ours.trainOnBatch(p.x, p.y)) as number;
      report(`${name} loss |diff|`, Math.abs(lossOurs - lossTheirs));
      expect(Math.abs(lossOurs - lossTheirs)).toBeLessThan(TOL);
      const wd = weightDiff(p);
      report(`${name} weights after 1 SGD step max |diff|`, wd);
      expect(wd).toBeLessThan(TOL);
      // Implied gradients (w0 - w1) / lr of the trainable weights.
      const after = p.ours.getWeights();
      const theirs = p.theirs.getWeights();
      let gd = 0;
      p.ours.weights.forEach((w, i) => {
        if (!w.trainable) return;
        const g1 = before[i].data.map((v, k) => (v - after[i].data[k]) / lr);
        const g2 = before[i].data.map((v, k) => (v - theirs[i].dataSync()[k]) / lr);
        gd = Math.max(gd, maxAbsDiff(g1, g2));
      });
      report(`${name} gradients (implied by the step) max |diff|`, gd);
      expect(gd).toBeLessThan(1e-4);
    });

    it('computeGradients equals tf.variableGrads of the tfjs training-mode loss', () => {
      const p = make();
      syncWeights(p);
      p.ours.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const ours = p.ours.computeGradients(p.x, p.y).grads;
      const vars = p.theirs.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { grads } = tf.variableGrads(() => {
        const pred = p.theirs.apply(toTf(p.x), { training: true }) as tf.Tensor;
        return tf.mean(tfl.metrics.categoricalCrossentropy(toTf(p.y), pred)) as tf.Scalar;
      }, vars);
      let gd = 0;
      vars.forEach((v, i) => (gd = Math.max(gd, maxAbsDiff(ours[i].data, grads[v.name].dataSync()))));
      report(`${name} gradients (tf.variableGrads) max |diff|`, gd);
      expect(gd).toBeLessThan(TOL);
    });

    it('several training steps give the same moving statistics', async () => {
      const p = make();
      syncWeights(p);
      p.theirs.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
      p.ours.compile({ optimizer: train.sgd(0.05), loss: 'categoricalCrossentropy' });
      for (let s = 0; s < 5; s++) {
        await p.theirs.trainOnBatch(toTf(p.x), toTf(p.y));
        await p.ours.trainOnBatch(p.x, p.y);
      }
      const bn = p.ours.layers[1] as BatchNormalization;
      const tbn = p.theirs.layers[1].getWeights();
      const d = Math.max(maxAbsDiff(bn.movingMean.value.data, tbn[2].dataSync()), maxAbsDiff(bn.movingVariance.value.data, tbn[3].dataSync()));
      report(`${name} moving statistics after 5 steps max |diff|`, d);
      expect(d).toBeLessThan(TOL);
      const wd = weightDiff(p);
      report(`${name} all weights after 5 steps max |diff|`, wd);
      expect(wd).toBeLessThan(1e-4);
    });
  });
}

describe('optimizers agree with TensorFlow.js', () => {
  for (const [label, ours, theirs, tol] of [
    ['momentum 0.9', () => train.momentum(0.05, 0.9), () => tf.train.momentum(0.05, 0.9), TOL],
    ['Nesterov momentum', () => train.momentum(0.05, 0.9, true), () => tf.train.momentum(0.05, 0.9, true), TOL],
    // Keras 3 (and core's adamUpdate) adds epsilon to sqrt(v) before the bias correction, tfjs after
    // it: the same for |g| >> 1e-5, but a weight whose gradient is ~1e-6 moves by up to ~lr less.
    // Measured 3.5e-4 at lr 0.01 over 5 steps; the exact Keras formula is checked in training.test.ts.
    ['Adam', () => train.adam(0.01), () => tf.train.adam(0.01, 0.9, 0.999, 1e-7), 1e-3],
  ] as const) {
    it(`${label}: the same weights after 5 steps of the Dense-BN net`, async () => {
      const p = denseBn();
      syncWeights(p);
      p.theirs.compile({ optimizer: theirs(), loss: 'categoricalCrossentropy' });
      p.ours.compile({ optimizer: ours(), loss: 'categoricalCrossentropy' });
      for (let s = 0; s < 5; s++) {
        await p.theirs.trainOnBatch(toTf(p.x), toTf(p.y));
        await p.ours.trainOnBatch(p.x, p.y);
      }
      const wd = weightDiff(p);
      report(`${label} weights after 5 steps max |diff|`, wd);
      expect(wd).toBeLessThan(tol);
    });
  }
});

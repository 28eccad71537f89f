import { Tensor, listBackends, setBackend } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { EPSILON, losses, metrics } from '../src/index.js';
import { LOSSES } from '../src/training/losses.js';
import { expectClose, randn } from './helpers.js';

/*
 * Losses and metrics run on the active backend's kernels: on every available
 * backend they match float64 references written here as plain loops, value
 * and gradient. The kernels round to float32 after each operation (as tfjs
 * does), a few roundings per element: 1e-5 relative is ten times that.
 */

try {
  await import('@batchwise/backend-native');
} catch {
  // Without the addon only cpu runs; backends.test.ts reports why.
}

const TOL = { atol: 1e-6, rtol: 1e-5 };
const backends = listBackends().filter((b) => b.available).map((b) => b.name);
afterAll(() => void setBackend('cpu'));

const uniform = (shape: number[], seed: number, low: number, high: number): Tensor =>
  new Tensor(randn(shape, seed).data.map((v) => low + ((high - low) * (Math.tanh(v) + 1)) / 2), shape);

function oneHot(labels: number[], classes: number): Tensor {
  const y = new Float32Array(labels.length * classes);
  labels.forEach((k, r) => (y[r * classes + k] = 1));
  return new Tensor(y, [labels.length, classes]);
}

const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);

function refMse(t: Tensor, p: Tensor) {
  const n = p.size;
  let s = 0;
  const grad = Array.from(p.data, (v, i) => {
    s += (v - t.data[i]) ** 2;
    return (2 * (v - t.data[i])) / n;
  });
  return { loss: s / n, grad };
}

function refBce(t: Tensor, p: Tensor) {
  const n = p.size;
  let s = 0;
  const grad = Array.from(p.data, (raw, i) => {
    const q = clip(raw);
    s -= t.data[i] * Math.log(q) + (1 - t.data[i]) * Math.log(1 - q);
    return q === raw ? (q - t.data[i]) / (q * (1 - q)) / n : 0;
  });
  return { loss: s / n, grad };
}

function refCce(t: Tensor, p: Tensor) {
  const c = p.shape[p.rank - 1];
  const rows = p.size / c;
  const grad = new Array<number>(p.size);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += p.data[r * c + j];
    const g: number[] = [];
    let dot = 0;
    for (let j = 0; j < c; j++) {
      const q = p.data[r * c + j] / s;
      total -= t.data[r * c + j] * Math.log(clip(q));
      g.push(clip(q) === q ? -t.data[r * c + j] / q : 0);
      dot += g[j] * q;
    }
    for (let j = 0; j < c; j++) grad[r * c + j] = (g[j] - dot) / s / rows;
  }
  return { loss: total / rows, grad };
}

describe.each(backends)('losses and metrics on %s', (backend) => {
  const use = () => setBackend(backend);

  it('meanSquaredError: value and gradient', () => {
    use();
    const t = randn([5, 3], 1);
    const p = randn([5, 3], 2);
    const r = LOSSES.meanSquaredError(t, p);
    const e = refMse(t, p);
    expectClose([r.loss], [e.loss], TOL, 'loss');
    expectClose(r.grad.data, e.grad, TOL, 'grad');
  });

  it('binaryCrossentropy: value and gradient, zero gradient where the clip is active', () => {
    use();
    const t = new Tensor(Float32Array.from([1, 0, 1, 0, 0.3, 1, 0, 1]), [4, 2]);
    // 0 and 1 exactly are clipped (finite loss, no gradient); the rest is inside.
    const p = new Tensor(Float32Array.from([0.9, 0.2, 0, 1, 0.5, 0.01, 0.99, 0.7]), [4, 2]);
    const r = LOSSES.binaryCrossentropy(t, p);
    const e = refBce(t, p);
    // The clipped terms: float32 clips to 1 - 1.19e-7 where float64 clips to 1 - 1e-7, so log(1 - p) differs by ln(1.19) / n.
    expectClose([r.loss], [e.loss], { atol: 0.03, rtol: 0 }, 'loss with clipped terms');
    expectClose(r.grad.data, e.grad, TOL, 'grad');
    // Zero (of either sign: the mask multiplies a negative value by 0).
    expect([Math.abs(r.grad.data[2]), Math.abs(r.grad.data[3])]).toEqual([0, 0]);
    const inside = uniform([6, 3], 3, 0.05, 0.95);
    const y = new Tensor(uniform([6, 3], 4, 0, 1).data.map((v) => (v > 0.5 ? 1 : 0)), [6, 3]);
    expectClose([losses.binaryCrossentropy(y, inside)], [refBce(y, inside).loss], TOL, 'loss inside the clip');
  });

  it('categoricalCrossentropy: normalises rows, rank 3, value and gradient', () => {
    use();
    const p = uniform([2, 3, 4], 5, 0.05, 1);
    const t = new Tensor(uniform([2, 3, 4], 6, 0, 1).data, [2, 3, 4]);
    const r = LOSSES.categoricalCrossentropy(t, p);
    const e = refCce(t, p);
    expectClose([r.loss], [e.loss], TOL, 'loss');
    expectClose(r.grad.data, e.grad, TOL, 'grad');
    expect(r.grad.shape).toEqual([2, 3, 4]);
  });

  it('sparseCategoricalCrossentropy equals the categorical loss of one-hot labels; [rows] and [rows,1] labels', () => {
    use();
    const p = uniform([4, 3], 7, 0.1, 1);
    const labels = [2, 0, 1, 1];
    const dense = LOSSES.categoricalCrossentropy(oneHot(labels, 3), p);
    for (const shape of [[4], [4, 1]]) {
      const sparse = LOSSES.sparseCategoricalCrossentropy(new Tensor(Float32Array.from(labels), shape), p);
      expect(sparse.loss).toBe(dense.loss);
      expect(sparse.grad.data).toEqual(dense.grad.data);
    }
  });

  it('accuracies count rows exactly, first index on ties', () => {
    use();
    const p = new Tensor(Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0.3, 0.3, 0.4, 0.9, 0.05, 0.05]), [4, 3]);
    // argmax of p: 1, 0 (tie, first), 2, 0.
    expect(metrics.categoricalAccuracy(oneHot([1, 1, 2, 0], 3), p)).toBe(0.75);
    expect(metrics.sparseCategoricalAccuracy(new Tensor(Float32Array.from([1, 0, 2, 2]), [4]), p)).toBe(0.75);
    expect(metrics.sparseCategoricalAccuracy(new Tensor(Float32Array.from([1, 0, 2, 0]), [4, 1]), p)).toBe(1);
    // 0.5 is not above the threshold.
    const b = new Tensor(Float32Array.from([0.2, 0.5, 0.51, 0.9, 0.7]), [5, 1]);
    expect(metrics.binaryAccuracy(new Tensor(Float32Array.from([0, 0, 1, 0, 1]), [5, 1]), b)).toBe(0.8);
  });

  it('a metric with labels of the wrong shape names itself', () => {
    use();
    expect(() => metrics.binaryAccuracy(new Tensor(new Float32Array(3), [3]), new Tensor(new Float32Array(3), [3, 1]))).toThrow(
      "binaryAccuracy: yTrue must have the prediction's shape [3,1], received [3].",
    );
    expect(() => metrics.sparseCategoricalAccuracy(new Tensor(Float32Array.from([3]), [1]), new Tensor(new Float32Array(3), [1, 3]))).toThrow(
      'sparseCategoricalAccuracy: yTrue[0] must be an integer class index in [0, 2], received 3.',
    );
  });
});

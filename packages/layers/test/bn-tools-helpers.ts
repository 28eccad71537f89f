import { Tensor } from '@batchwise/core';
import type { BatchNormalization, LayersModel } from '../src/index.js';
import { randn } from './helpers.js';

/**
 * k Gaussian blobs in d dimensions: class c adds 3 to the features j with
 * j % k == c; every feature has standard deviation 2 around `offset`.
 * Rows cycle through the classes.
 */
export function blobs(n: number, d: number, k: number, seed: number, offset = 0): { x: Tensor; y: Tensor; labels: Int32Array } {
  const noise = randn([n, d], seed).data;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n * k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    labels[i] = c;
    y[i * k + c] = 1;
    for (let j = 0; j < d; j++) x[i * d + j] = offset + 2 * noise[i * d + j] + (j % k === c ? 3 : 0);
  }
  return { x: new Tensor(x, [n, d]), y: new Tensor(y, [n, k]), labels };
}

/**
 * Accuracy of a Sequential model on x as one batch, with its batch norms in
 * training mode (batch statistics) or not; every weight and update count is
 * put back afterwards. Written without the bn-tools code under test.
 */
export function modeAccuracy(m: LayersModel, x: Tensor, y: Tensor, training: boolean): number {
  const saved = m.getWeights();
  const norms = m.layers.filter((l) => l.className === 'BatchNormalization') as BatchNormalization[];
  const counts = norms.map((l) => l.movingUpdates);
  let t = x;
  for (const layer of m.layers) t = layer.apply(t, { training: training && layer.className === 'BatchNormalization' });
  m.setWeights(saved);
  norms.forEach((l, i) => (l.movingUpdates = counts[i]));
  const k = t.shape[1];
  let correct = 0;
  for (let i = 0; i < t.shape[0]; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (t.data[i * k + j] > t.data[i * k + best]) best = j;
    if (y.data[i * k + best] === 1) correct++;
  }
  return correct / t.shape[0];
}

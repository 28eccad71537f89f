import type { Backend, Conv2DOptions, Tensor } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { bitsEqual, POOL_2X2, randn } from './helpers.js';

/*
 * Tasks are cut from the problem size only and partial results are combined
 * in task order (the native kernels' rule, same sources), so every thread
 * count gives the same bits; the single-threaded module runs the same code
 * without workers. 3 threads on a 2-core machine also exercises an
 * oversubscribed pool.
 */
const THREAD_COUNTS = [1, 2, 3];
const original = createWasmBackend().info().threads;
afterAll(() => void createWasmBackend({ numThreads: original }));

function acrossThreads(run: (b: Backend) => Tensor[]): Tensor[][] {
  const results = THREAD_COUNTS.map((n) => run(createWasmBackend({ numThreads: n })).map((t) => t.clone()));
  results.push(run(createWasmBackend({ sharedMemory: false })).map((t) => t.clone()));
  return results;
}

function expectIdentical(results: Tensor[][], label: string): void {
  const names = [...THREAD_COUNTS.map((n) => `${n} threads`), 'the single-threaded module'];
  for (let t = 1; t < results.length; t++) {
    results[0].forEach((r, i) => {
      expect(bitsEqual(results[t][i].data, r.data), `${label} output ${i}: ${names[t]} vs 1 thread`).toBe(true);
    });
  }
}

describe('bit-identical results for 1, 2 and 3 threads and without shared memory', () => {
  it('matMul (many tasks, edge tiles)', () => {
    const a = randn([300, 517], 1), b = randn([517, 301], 2);
    expectIdentical(acrossThreads((w) => [w.matMul(a, b), w.matMul(b, a, { transposeA: true, transposeB: true })]), 'matMul');
  });
  it('conv2d forward and both gradients', () => {
    const o: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const x = randn([16, 14, 14, 8], 3), f = randn([3, 3, 8, 16], 4), dy = randn([16, 14, 14, 16], 5);
    expectIdentical(
      acrossThreads((w) => [w.conv2d(x, f, o), w.conv2dBackpropInput(dy, f, x.shape, o), w.conv2dBackpropFilter(x, dy, f.shape, o)]),
      'conv2d',
    );
  });
  it('strided conv2d with odd pixel and channel counts', () => {
    const o: Conv2DOptions = { strides: [2, 2], padding: 'same', dilations: [1, 1] };
    const x = randn([5, 23, 21, 24], 10), f = randn([3, 3, 24, 40], 11);
    expectIdentical(acrossThreads((w) => [w.conv2d(x, f, o)]), 'conv2d strided');
  });
  it('batch norm training and backward (many row chunks)', () => {
    const x = randn([64, 14, 14, 16], 6, 3, 100), gamma = randn([16], 7), beta = randn([16], 8), dy = randn(x.shape, 9);
    expectIdentical(
      acrossThreads((w) => {
        const r = w.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
        const g = w.batchNormBackward(dy, { x, gamma, mean: r.mean, invStd: r.invStd });
        return [r.y, r.mean, r.variance, r.invStd, g.dx, g.dgamma, g.dbeta];
      }),
      'batchNorm',
    );
  });
  it('reductions, biasGrad, softmax and maxPool', () => {
    const x = randn([200, 50, 30], 10), img = randn([8, 28, 28, 16], 12);
    expectIdentical(
      acrossThreads((w) => [
        w.sum(x),
        w.mean(x, { axes: [0, 1] }),
        w.max(x, { axes: [1] }),
        w.sum(x, { axes: [0, 2] }),
        w.biasGrad(x),
        w.softmax(x),
        w.maxPool(img, POOL_2X2).y,
      ]),
      'reductions',
    );
  });
  it('fused conv + batch norm + ReLU + pool (training and inference) and the fused backward', () => {
    const o = { strides: [1, 1], padding: 'same', dilations: [1, 1], epsilon: 1e-3, pool: POOL_2X2 } as const;
    const x = randn([16, 14, 14, 3], 13), f = randn([3, 3, 3, 32], 14), gamma = randn([32], 15), beta = randn([32], 16);
    const dy = randn([16, 7, 7, 32], 17);
    expectIdentical(
      acrossThreads((w) => {
        const r = w.conv2dBatchNormReluTraining!(x, f, gamma, beta, o);
        const g = w.batchNormReluBackward!(dy, { x: r.z, gamma, mean: r.mean, invStd: r.invStd, y: r.y, argmax: r.argmax, pool: o.pool });
        const p = { mean: r.mean, variance: r.variance, gamma, beta, epsilon: 1e-3 };
        return [r.z, r.y, r.mean, r.variance, r.invStd, g.dx, g.dgamma, g.dbeta, w.conv2dBatchNormRelu!(x, f, p, o)];
      }),
      'fused',
    );
  });
  it('dropout masks do not depend on the thread count', () => {
    const x = randn([100_001], 11);
    expectIdentical(acrossThreads((w) => [w.dropout(x, { rate: 0.4, seed: 5 }).mask]), 'dropout');
  });
});

import { makeTensor, type Conv2DOptions, type Tensor } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads } from '../src/index.js';
import { bitsEqual, native, randn } from './helpers.js';

/*
 * Chunk sizes depend on the problem only and partial results are combined in
 * chunk order, so every thread count must give the same bits. 3 threads on
 * this 2-core machine also exercises an oversubscribed pool.
 */
const THREAD_COUNTS = [1, 2, 3];
const original = getNumThreads();
afterAll(() => setNumThreads(original));

function acrossThreads(run: () => Tensor[]): Tensor[][] {
  return THREAD_COUNTS.map((n) => {
    setNumThreads(n);
    return run();
  });
}

function expectIdentical(results: Tensor[][], label: string): void {
  for (let t = 1; t < results.length; t++) {
    results[0].forEach((r, i) => {
      expect(bitsEqual(results[t][i].data, r.data), `${label} output ${i}: ${THREAD_COUNTS[t]} vs 1 threads`).toBe(true);
    });
  }
}

describe('bit-identical results for 1, 2 and 3 threads', () => {
  it('matMul (many tasks, edge tiles)', () => {
    const a = randn([300, 517], 1), b = randn([517, 301], 2);
    const row = randn([2, 700], 20), wide = randn([700, 900], 21);
    expectIdentical(
      acrossThreads(() => [native.matMul(a, b), native.matMul(b, a, { transposeA: true, transposeB: true }), native.matMul(row, wide)]),
      'matMul',
    );
  });
  it('conv2d forward and both gradients', () => {
    const o: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const x = randn([16, 14, 14, 8], 3), f = randn([3, 3, 8, 16], 4), dy = randn([16, 14, 14, 16], 5);
    expectIdentical(
      acrossThreads(() => [
        native.conv2d(x, f, o),
        native.conv2dBackpropInput(dy, f, x.shape, o),
        // 3136 output pixels per filter element: the reduction is split into k chunks.
        native.conv2dBackpropFilter(x, dy, f.shape, o),
      ]),
      'conv2d',
    );
  });
  it('conv2d forward with 16+ channels (patches read in place), odd pixel and channel counts', () => {
    const o: Conv2DOptions = { strides: [2, 2], padding: 'same', dilations: [1, 1] };
    const x = randn([5, 23, 21, 24], 10), f = randn([3, 3, 24, 40], 11);
    expectIdentical(acrossThreads(() => [native.conv2d(x, f, o)]), 'conv2d indirect');
  });
  it('conv2d input gradient as a convolution (unit strides, 24 channels)', () => {
    const o: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const f = randn([3, 3, 24, 40], 12), dy = randn([5, 13, 11, 40], 13);
    expectIdentical(acrossThreads(() => [native.conv2dBackpropInput(dy, f, [5, 13, 11, 24], o)]), 'conv2dBackpropInput indirect');
  });
  it('batch norm training and backward (many row chunks)', () => {
    const x = randn([64, 14, 14, 16], 6, 3, 100), gamma = randn([16], 7), beta = randn([16], 8), dy = randn(x.shape, 9);
    expectIdentical(
      acrossThreads(() => {
        const r = native.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
        const g = native.batchNormBackward(dy, { x, gamma, mean: r.mean, invStd: r.invStd });
        return [r.y, r.mean, r.variance, r.invStd, g.dx, g.dgamma, g.dbeta];
      }),
      'batchNorm',
    );
  });
  it('fused batch norm + ReLU, with disjoint 2x2 and overlapping 3x3 pools, forward and backward', () => {
    const x = randn([32, 14, 14, 24], 16, 2, 1), gamma = randn([24], 17), beta = randn([24], 18);
    const pools = [
      { poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { poolSize: [3, 3], strides: [2, 2], padding: 'same' },
    ] as const;
    expectIdentical(
      acrossThreads(() =>
        pools.flatMap((pool) => {
          const r = native.batchNormReluTraining!(x, gamma, beta, { epsilon: 1e-3, pool });
          const dy = randn(r.y.shape, 19);
          const g = native.batchNormReluBackward!(dy, { x, gamma, mean: r.mean, invStd: r.invStd, y: r.y, argmax: r.argmax, pool });
          // argmax compared bit for bit through a float view of its memory.
          const argmax = makeTensor(new Float32Array(r.argmax!.buffer, r.argmax!.byteOffset, r.argmax!.length), [r.argmax!.length]);
          return [r.y, r.mean, r.variance, r.invStd, argmax, g.dx, g.dgamma, g.dbeta];
        }),
      ),
      'batchNormRelu',
    );
  });
  it('fused conv + batch norm + ReLU + pool, training and inference', () => {
    const o: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
    const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
    const x = randn([16, 14, 14, 8], 22), f = randn([3, 3, 8, 24], 23), gamma = randn([24], 24), beta = randn([24], 25);
    const params = { mean: randn([24], 26), variance: randn([24], 27, 0.1, 1), gamma, beta, epsilon: 1e-3 };
    expectIdentical(
      acrossThreads(() => {
        const r = native.conv2dBatchNormReluTraining!(x, f, gamma, beta, { ...o, epsilon: 1e-3, pool });
        return [r.z, r.y, r.mean, r.variance, native.conv2dBatchNormRelu!(x, f, params, { ...o, pool })];
      }),
      'conv2dBatchNormRelu',
    );
  });
  it('reductions, biasGrad and softmax', () => {
    const x = randn([200, 50, 30], 10);
    expectIdentical(
      acrossThreads(() => [
        native.sum(x),
        native.mean(x, { axes: [0, 1] }),
        native.max(x, { axes: [1] }),
        native.sum(x, { axes: [0, 2] }),
        native.biasGrad(x),
        native.softmax(x),
      ]),
      'reductions',
    );
  });
  it('broadcastBinary, comparisons, gather, concat, oneHot and axpby (many tasks)', () => {
    const x = randn([300, 40, 33], 12), v = randn([40], 13), w = randn([33], 14), z = randn(x.shape, 15);
    const indices = Int32Array.from({ length: 250 }, (_, i) => (i * 37) % 300);
    const labels = native.argMax(x.reshape([12000, 33]));
    expectIdentical(
      acrossThreads(() => {
        const y = z.clone();
        native.axpby(y, x, { alpha: 0.01, beta: 0.99 });
        return [
          native.broadcastBinary(x, v, { op: 'div', axis: 1 }),
          native.broadcastBinary(x, w, { op: 'mul', axis: -1 }),
          native.greater(x, z),
          native.gather(x, indices, { axis: 0 }),
          native.concat([x, z, x], { axis: 1 }),
          native.oneHot(labels, { depth: 33 }),
          y,
        ];
      }),
      'tensor ops',
    );
  });
  it('dropout masks do not depend on the thread count', () => {
    const x = randn([100_001], 11);
    expectIdentical(acrossThreads(() => [native.dropout(x, { rate: 0.4, seed: 5 }).mask]), 'dropout');
  });
});

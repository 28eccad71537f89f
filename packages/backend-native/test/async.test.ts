import { InvalidArgumentError, Tensor, dispose, memory, tidy, type Conv2DOptions } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createNativeAsyncKernels } from '../src/index.js';
import { bitsEqual, native, randn } from './helpers.js';

const asyncKernels = createNativeAsyncKernels();
const o: Conv2DOptions = { strides: [2, 1], padding: 'same', dilations: [1, 1] };

describe('async variants (Napi::AsyncWorker)', () => {
  it('give the same bits as the sync kernels', async () => {
    const x = randn([4, 9, 9, 6], 1), f = randn([3, 3, 6, 10], 2);
    const y = native.conv2d(x, f, o);
    const dy = randn(y.shape, 3);
    const gamma = randn([6], 4), beta = randn([6], 5);
    const bn = native.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
    const a = randn([40, 70], 6), b = randn([70, 50], 7);
    const [ya, dxa, dfa, bna, bba, mma] = await Promise.all([
      asyncKernels.conv2d(x, f, o),
      asyncKernels.conv2dBackpropInput(dy, f, x.shape, o),
      asyncKernels.conv2dBackpropFilter(x, dy, f.shape, o),
      asyncKernels.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 }),
      asyncKernels.batchNormBackward(x, { x, gamma, mean: bn.mean, invStd: bn.invStd }),
      asyncKernels.matMul(a, b),
    ]);
    expect(bitsEqual(ya.data, y.data)).toBe(true);
    expect(bitsEqual(dxa.data, native.conv2dBackpropInput(dy, f, x.shape, o).data)).toBe(true);
    expect(bitsEqual(dfa.data, native.conv2dBackpropFilter(x, dy, f.shape, o).data)).toBe(true);
    expect(bitsEqual(bna.y.data, bn.y.data) && bitsEqual(bna.invStd.data, bn.invStd.data)).toBe(true);
    const bb = native.batchNormBackward(x, { x, gamma, mean: bn.mean, invStd: bn.invStd });
    expect(bitsEqual(bba.dx.data, bb.dx.data) && bitsEqual(bba.dgamma.data, bb.dgamma.data)).toBe(true);
    expect(bitsEqual(mma.data, native.matMul(a, b).data)).toBe(true);
  });
  it('reject invalid arguments with core errors before any work starts', async () => {
    const x = randn([1, 4, 4, 2], 8);
    await expect(asyncKernels.conv2d(x, randn([3, 3, 3, 1], 9), o)).rejects.toThrow(InvalidArgumentError);
    await expect(asyncKernels.matMul(randn([2, 3], 1), randn([4, 2], 2))).rejects.toThrow(/inner dimensions must match/);
  });

  it('keep their inputs and outputs out of the pool until the kernel is done', async () => {
    const n = 384;
    const a = native.relu(randn([n, n], 11)); // pool-owned inputs, as a training step makes them
    const b = native.relu(randn([n, n], 12));
    const expected = native.matMul(a, b);
    let pending!: Promise<Tensor>;
    // The tidy ends (and asks to release the output) while the worker still writes it.
    tidy(() => {
      pending = asyncKernels.matMul(a, b);
      return 0;
    });
    dispose([a]); // an input released while the worker reads it
    expect(a.disposed).toBe(false); // deferred, not detached under the worker
    const ones = native.relu(new Tensor(new Float32Array(n * n).fill(1), [n, n])); // same size as the output
    const pooledBefore = memory().pooledBuffers;
    const result = await pending;
    expect(ones.data.every((v) => v === 1)).toBe(true);
    // Both deferred releases happened when the kernel finished: the output the tidy released and a.
    expect(a.disposed).toBe(true);
    expect(result.disposed).toBe(true);
    expect(memory().pooledBuffers).toBe(pooledBefore + 2);
    // Kept by the caller this time: the result is whole and right.
    const again = await asyncKernels.matMul(b, b);
    expect(bitsEqual(again.data, native.matMul(b, b).data)).toBe(true);
    expect(expected.data.length).toBe(n * n);
  });

  it('are refused by tidy, which waits for the kernel before releasing its memory', async () => {
    const a = randn([768, 768], 13);
    expect(() => tidy(() => asyncKernels.matMul(a, a))).toThrow(/tidy: fn returned a Promise/);
    const ones = native.relu(new Tensor(new Float32Array(768 * 768).fill(1), [768, 768]));
    await new Promise((r) => setTimeout(r, 50));
    expect(ones.data.every((v) => v === 1)).toBe(true);
  });
});

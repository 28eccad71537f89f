import { createCpuBackend } from '@batchwise/backend-cpu';
import { InvalidArgumentError, dispose, tensor, tidy, type Backend, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { POOL_2X2, randn } from './helpers.js';

/*
 * Tensors the backend makes live in its linear memory; tensors from elsewhere
 * move in once, on first use; in-place updates land where the tensor lives;
 * tidy/dispose give blocks back; growing the memory never invalidates a live
 * tensor, on the threaded (shared) and the single-threaded (unshared) module.
 */
const MODULES: [string, () => Backend][] = [
  ['threaded module', () => createWasmBackend({ numThreads: 2 })],
  ['single-threaded module', () => createWasmBackend({ sharedMemory: false })],
];

const cpu = createCpuBackend();

describe.each(MODULES)('wasm tensors (%s)', (_, make) => {
  const wasm = make();

  it('keeps kernel outputs in its memory, and chained kernels pass them on without a copy', () => {
    const x = randn([64, 64], 1);
    const y = wasm.relu(x);
    const storage = y.storage;
    expect(storage).toBeDefined();
    const z = wasm.matMul(y, y);
    expect(y.storage).toBe(storage);
    expect(z.storage).toBeDefined();
    expect(z.data.buffer).toBe(y.data.buffer);
  });

  it('moves a tensor made elsewhere into its memory once, on first use', () => {
    const values = Float32Array.from([1, -2, 3, -4]);
    const t = tensor(values, [2, 2]);
    expect(t.storage).toBeUndefined();
    wasm.relu(t);
    const moved = t.storage;
    expect(moved).toBeDefined();
    expect(Array.from(t.data)).toEqual([1, -2, 3, -4]);
    wasm.relu(t);
    wasm.matMul(t, t);
    expect(t.storage).toBe(moved);
  });

  it('moves reshapes of one array to one block, so they stay aliases', () => {
    const a = tensor(Float32Array.from([1, 2, 3, 4]), [4]);
    const r = a.reshape([2, 2]);
    wasm.relu(a);
    wasm.relu(r);
    expect(r.storage).toBe(a.storage);
    wasm.sgdUpdate(a, tensor([1, 1, 1, 1]), null, { learningRate: 1, momentum: 0, nesterov: false });
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3]);
  });

  it('updates parameters in place where they live, seen by every backend', () => {
    const w = tensor([1, 2, 3]);
    wasm.sgdUpdate(w, tensor([1, 1, 1]), null, { learningRate: 0.5, momentum: 0, nesterov: false });
    expect(Array.from(w.data)).toEqual([0.5, 1.5, 2.5]);
    expect(w.storage).toBeDefined();
    // The cpu backend writes through the same view, and wasm reads what it wrote.
    cpu.sgdUpdate(w, tensor([1, 1, 1]), null, { learningRate: 0.5, momentum: 0, nesterov: false });
    expect(Array.from(wasm.relu(w).data)).toEqual([0, 1, 2]);
  });

  it('gives blocks back at the end of tidy and on dispose; a released tensor is disposed', () => {
    const x = randn([256, 256], 2);
    let inner!: Tensor;
    let offset = -1;
    const kept = tidy(() => {
      inner = wasm.relu(x);
      offset = inner.data.byteOffset;
      return wasm.neg(x);
    });
    expect(inner.disposed).toBe(true);
    expect(kept.disposed).toBe(false);
    // The released block is the next one of its size.
    const next = wasm.relu(x);
    expect(next.data.byteOffset).toBe(offset);
    dispose(next);
    expect(next.disposed).toBe(true);
    expect(() => wasm.relu(next)).toThrow(new InvalidArgumentError('relu: x (shape [256,256]) was disposed: its memory went back to the pool (dispose or the end of a tidy).'));
  });

  it('reuses the memory of released outputs instead of growing', () => {
    const x = randn([512, 512], 3);
    const step = (): void => void tidy(() => void wasm.add(wasm.relu(x), wasm.neg(x)));
    step();
    const size = wasm.info().memoryBytes;
    for (let i = 0; i < 50; i++) step();
    expect(wasm.info().memoryBytes).toBe(size);
  });

  it('keeps live tensors and argmax arrays valid while the memory grows', () => {
    const x = randn([4, 8, 8, 4], 4);
    const live = wasm.mulScalar(x, 2);
    const before = Array.from(live.data);
    const pooled = wasm.maxPool(x, POOL_2X2);
    const argmax = Array.from(pooled.argmax);
    const startBytes = wasm.info().memoryBytes as number;
    // 64 MiB of outputs: past the first memory size, so the memory grows.
    const big = Array.from({ length: 16 }, (_, i) => wasm.addScalar(randn([1024, 1024], 10 + i), i));
    expect(wasm.info().memoryBytes).toBeGreaterThan(startBytes);
    expect(Array.from(live.data)).toEqual(before);
    expect(Array.from(pooled.argmax)).toEqual(argmax);
    const dx = wasm.maxPoolBackward(pooled.y, pooled.argmax, x.shape);
    expect(Array.from(dx.data)).toEqual(Array.from(cpu.maxPoolBackward(pooled.y, Int32Array.from(argmax), x.shape).data));
    expect(Array.from(big[15].data.subarray(0, 8))).toEqual(Array.from(cpu.addScalar(randn([1024, 1024], 25), 15).data.subarray(0, 8)));
    dispose(big);
  });
});

describe('threads', () => {
  it('runs tasks on workers when the pool has more than one thread', () => {
    const wasm = createWasmBackend({ numThreads: 2 });
    expect(wasm.info().threads).toBe(2);
    expect(wasm.info().threading).toBe('shared memory + workers');
    const before = wasm.info().workerTasks as number;
    // Enough independent tasks that the worker takes some while the caller works.
    for (let i = 0; i < 20 && (wasm.info().workerTasks as number) === before; i++) wasm.matMul(randn([256, 256], 1), randn([256, 256], 2));
    expect(wasm.info().workerTasks).toBeGreaterThan(before);
  });

  it('says why it is single-threaded', () => {
    const wasm = createWasmBackend({ sharedMemory: false });
    expect(wasm.info().threads).toBe(1);
    expect(wasm.info().threading).toBe('single-threaded: sharedMemory: false was asked for');
  });
});

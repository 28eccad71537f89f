import { Tensor, clearMemoryPool, listBackends, memory, setBackend, setMemoryPoolLimit } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { input, layers, model, sequential, train, type Sequential } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * Training, predict and evaluate release what they allocate (tidy), so the
 * next step's outputs reuse that memory. A tensor released too early is
 * detached and fails loudly, so the same run with reuse on and off giving the
 * same bits shows nothing still in use was recycled, and a steady allocation
 * count shows nothing leaks out of a step.
 */

try {
  await import('@batchwise/backend-native');
} catch {
  // Without the addon only cpu is compared; backends.test.ts reports why.
}

const DEFAULT_LIMIT = 512 * 1024 * 1024;

function labels(n: number): Tensor {
  const y = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) y[r * 3 + (r % 3)] = 1;
  return new Tensor(y, [n, 3]);
}

function cnn(prefix: string): Sequential {
  const m = sequential({
    layers: [
      layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, inputShape: [12, 12, 2], name: `${prefix}c1` }),
      layers.batchNormalization({ name: `${prefix}bn1` }),
      layers.activation({ activation: 'relu', name: `${prefix}a1` }),
      layers.maxPooling2d({ name: `${prefix}mp` }),
      layers.flatten({ name: `${prefix}fl` }),
      layers.dense({ units: 16, name: `${prefix}d1` }),
      layers.batchNormalization({ name: `${prefix}bn2` }),
      layers.activation({ activation: 'relu', name: `${prefix}a2` }),
      layers.dropout({ rate: 0.25, seed: 3, name: `${prefix}dr` }),
      layers.dense({ units: 3, activation: 'softmax', name: `${prefix}d2` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

interface RunResult {
  losses: number[];
  weights: Float32Array[];
  predicted: Float32Array;
  evaluated: number[];
  grads: Float32Array[];
}

async function run(backend: string, limit: number): Promise<RunResult> {
  setBackend(backend);
  setMemoryPoolLimit(limit);
  clearMemoryPool();
  const m = cnn('mem');
  const x = randn([40, 12, 12, 2], 5);
  const y = labels(40);
  const losses: number[] = [];
  await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 1, validationSplit: 0.2, callbacks: [{ onBatchEnd: (_b, logs) => void losses.push(logs.loss) }] });
  const predicted = (m.predict(x, { batchSize: 16 }) as Tensor).data.slice();
  const evaluated = m.evaluate(x, y, { batchSize: 16 }) as number[];
  const grads = m.computeGradients(x.reshape([40, 12, 12, 2]), y).grads.map((g) => g.data.slice());
  return { losses, weights: m.weights.map((w) => w.value.data.slice()), predicted, evaluated, grads };
}

const backends = listBackends().filter((b) => b.available).map((b) => b.name);

afterAll(() => {
  setMemoryPoolLimit(DEFAULT_LIMIT);
  clearMemoryPool();
  setBackend('cpu');
});

describe.each(backends)('memory reuse on %s', (backend) => {
  it('gives the same bits with reuse on as with reuse off', async () => {
    const off = await run(backend, 0);
    const reusedBefore = memory().reused;
    const on = await run(backend, DEFAULT_LIMIT);
    // 72 buffers reused on cpu with the fused batch norm chains (fewer intermediates), 100+ without.
    expect(memory().reused - reusedBefore).toBeGreaterThan(50);
    expect(on.losses).toEqual(off.losses);
    on.weights.forEach((w, i) => expect(w).toEqual(off.weights[i]));
    expect(on.predicted).toEqual(off.predicted);
    expect(on.evaluated).toEqual(off.evaluated);
    on.grads.forEach((g, i) => expect(g).toEqual(off.grads[i]));
  });

  it('allocates nothing new after the first training step (everything a step makes is released)', async () => {
    setBackend(backend);
    setMemoryPoolLimit(DEFAULT_LIMIT);
    clearMemoryPool();
    const m = cnn('steady');
    const x = randn([16, 12, 12, 2], 9);
    const y = labels(16);
    await m.trainOnBatch(x, y);
    const after1 = memory().allocated;
    for (let i = 0; i < 4; i++) await m.trainOnBatch(x, y);
    expect(memory().allocated).toBe(after1);
    expect(memory().scopes).toBe(0);
  });

  it('keeps what predict returns and every weight', async () => {
    setBackend(backend);
    const m = cnn('kept');
    const x = randn([20, 12, 12, 2], 2);
    await m.fit(x, labels(20), { epochs: 2, batchSize: 8, verbose: 0 });
    expect(m.weights.every((w) => !w.value.disposed)).toBe(true);
    const one = m.predict(x) as Tensor;
    const batched = m.predict(x, { batchSize: 8 }) as Tensor;
    expect(one.disposed || batched.disposed).toBe(false);
    expect(batched.data).toEqual(one.data);
  });

  it('predicts in batches with outputs that share memory (the same tensor twice, a reshape of it)', () => {
    setBackend(backend);
    const x = input({ shape: [6], name: 'shin' });
    const h = layers.dense({ units: 8, name: 'shd' }).apply(x);
    const flat = layers.flatten({ name: 'shfl' }).apply(h);
    const m = model({ inputs: x, outputs: [h, flat, h] });
    const data = randn([70, 6], 4);
    const whole = m.predict(data, { batchSize: 70 }) as Tensor[];
    const batched = m.predict(data, { batchSize: 32 }) as Tensor[];
    batched.forEach((t, i) => {
      expect(t.disposed).toBe(false);
      expect(t.data).toEqual(whole[i].data);
    });
  });
});

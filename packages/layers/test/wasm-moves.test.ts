import { findBackend, setBackend, Tensor } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, sequential, train } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * On the WebAssembly backend, tensors live in the module's memory: weights and
 * data made in JavaScript move in once, and after that training moves no
 * tensor in (info().movedInTensors counts every copy in).
 */
let reason = '';
try {
  await import('@batchwise/backend-wasm');
  findBackend('wasm');
} catch (e) {
  reason = (e as Error).message.split('\n')[0];
}

function labels(n: number): Tensor {
  const y = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) y[r * 2 + (r % 3 === 0 ? 1 : 0)] = 1;
  return new Tensor(y, [n, 2]);
}

afterAll(() => void setBackend('cpu'));

describe('training on wasm', () => {
  it('moves weights and data in during the first epoch and no tensor after it', async () => {
    expect(reason).toBe('');
    setBackend('wasm');
    const m = sequential({
      layers: [
        layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 1], activation: 'relu', name: 'wc1' }),
        layers.batchNormalization({ name: 'wbn1' }),
        layers.maxPooling2d({ name: 'wmp' }),
        layers.flatten({ name: 'wfl' }),
        layers.dense({ units: 8, name: 'wd1' }),
        layers.batchNormalization({ name: 'wbn2' }),
        layers.dropout({ rate: 0.25, seed: 3, name: 'wdrop' }),
        layers.dense({ units: 2, activation: 'softmax', name: 'wd2' }),
      ],
    });
    m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = randn([24, 6, 6, 1], 1), y = labels(24);
    await m.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0, seed: 7 });
    const moved = findBackend('wasm').info().movedInTensors as number;
    expect(moved).toBeGreaterThan(0);
    await m.fit(x, y, { epochs: 3, batchSize: 6, verbose: 0, seed: 7 });
    expect(findBackend('wasm').info().movedInTensors).toBe(moved);
  });
});

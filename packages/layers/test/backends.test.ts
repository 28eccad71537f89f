import { Tensor, listBackends, setBackend } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { layers, sequential, train } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * The same small training run on every registered backend gives the same
 * losses. Layers only call core's validated ops, so any difference comes
 * from the kernels' float32 summation order: ~1e-6 relative per step,
 * compounding over 12 steps; 1e-4 relative leaves room for SIMD reassociation.
 * Dropout is in: core's dropout-mask contract gives every backend the same mask.
 */
const RTOL = 1e-4;

const importFailures: string[] = [];
for (const pkg of ['@batchwise/backend-native', '@batchwise/backend-wasm']) {
  try {
    await import(pkg);
  } catch (e) {
    importFailures.push(`${pkg} did not import: ${(e as Error).message.split('\n')[0]}`);
  }
}

function labels(n: number): Tensor {
  const y = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) y[r * 2 + (r % 3 === 0 ? 1 : 0)] = 1;
  return new Tensor(y, [n, 2]);
}

async function run(backend: string): Promise<number[]> {
  setBackend(backend);
  // Fixed names give fixed seeds, so every backend starts from the same weights.
  const m = sequential({
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 1], activation: 'relu', name: 'pc1' }),
      layers.batchNormalization({ name: 'pbn1' }),
      layers.maxPooling2d({ name: 'pmp' }),
      layers.flatten({ name: 'pfl' }),
      layers.dense({ units: 8, name: 'pd1' }),
      layers.batchNormalization({ name: 'pbn2' }),
      layers.activation({ activation: 'relu', name: 'pact' }),
      layers.dropout({ rate: 0.25, seed: 11, name: 'pdrop' }),
      layers.dense({ units: 2, activation: 'softmax', name: 'pd2' }),
    ],
  });
  m.compile({ optimizer: train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  await m.fit(randn([24, 6, 6, 1], 1), labels(24), {
    epochs: 3, batchSize: 6, verbose: 0, seed: 7,
    callbacks: [{ onBatchEnd: (_b, logs) => void losses.push(logs.loss) }],
  });
  return losses;
}

afterAll(() => void setBackend('cpu'));

describe('every registered backend trains the same', () => {
  it('gives the same losses within tolerance', async () => {
    const statuses = listBackends();
    for (const s of statuses.filter((b) => !b.available)) console.log(`backend '${s.name}' unavailable, not compared: ${s.reason}`);
    for (const failure of importFailures) console.log(failure);
    const available = statuses.filter((b) => b.available).map((b) => b.name);
    expect(available).toContain('cpu');
    const reference = await run('cpu');
    expect(reference).toHaveLength(12);
    expect(reference.every(Number.isFinite)).toBe(true);
    for (const name of available.filter((n) => n !== 'cpu')) {
      const losses = await run(name);
      let worst = 0;
      losses.forEach((l, i) => (worst = Math.max(worst, Math.abs(l - reference[i]) / Math.abs(reference[i]))));
      console.log(`MEASURED ${name} vs cpu: max relative loss difference over 12 steps ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(RTOL);
    }
  });
});

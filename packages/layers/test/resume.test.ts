import { Tensor, listBackends, setBackend } from '@batchwise/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callbacks, exponentialDecay, layers, loadCheckpoint, sequential, train, type Callback, type LayersModel } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * An interrupted fit continues bit for bit: from History.position in the same
 * process, and from a checkpoint on disk in a fresh model. Dropout, Adam's
 * moments, the moving statistics, the per-epoch shuffle and a learning-rate
 * schedule are all in play, on every backend that loads.
 */

try {
  await import('@batchwise/backend-native');
} catch {
  // cpu only
}
const backends = listBackends().filter((b) => b.available).map((b) => b.name);
const dirs: string[] = [];
afterAll(() => {
  setBackend('cpu');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function labels(n: number, classes: number): Tensor {
  const y = new Float32Array(n * classes);
  for (let r = 0; r < n; r++) y[r * classes + ((r * 7) % classes)] = 1;
  return new Tensor(y, [n, classes]);
}

function net(prefix: string): LayersModel {
  const m = sequential({
    layers: [
      layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [5, 5, 1], useBias: false, name: `${prefix}c` }),
      layers.batchNormalization({ name: `${prefix}bn1` }),
      layers.activation({ activation: 'relu', name: `${prefix}r` }),
      layers.flatten({ name: `${prefix}f` }),
      layers.dense({ units: 8, useBias: false, name: `${prefix}d1` }),
      layers.batchNormalization({ name: `${prefix}bn2` }),
      layers.activation({ activation: 'relu', name: `${prefix}r2` }),
      layers.dropout({ rate: 0.3, name: `${prefix}drop` }),
      layers.dense({ units: 3, activation: 'softmax', name: `${prefix}d2` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const x = randn([30, 5, 5, 1], 3);
const y = labels(30, 3);
const fitArgs = { epochs: 3, batchSize: 7, seed: 5, verbose: 0 as const, validationSplit: 0.2 };
const schedule = () => callbacks.learningRateScheduler(exponentialDecay({ initialLearningRate: 0.01, decayRate: 0.5 }));

/** Sets stopTraining after `steps` optimizer steps, as a Ctrl-C handler would. */
function stopAfter(steps: number): Callback & { setModel(m: LayersModel): void } {
  let model: LayersModel;
  return {
    setModel: (m) => void (model = m as LayersModel),
    onBatchEnd: () => {
      if (model.fitPosition!.step >= steps) model.stopTraining = true;
    },
  };
}

const bits = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.data));

describe.each(backends)('resume on %s', (backend) => {
  it('History.position continues an interrupted fit bit for bit (mid-epoch, dropout, Adam, schedule)', async () => {
    setBackend(backend);
    const whole = net('rw');
    const full = await whole.fit(x, y, { ...fitArgs, callbacks: [schedule()] });
    const parted = net('rw');
    const first = await parted.fit(x, y, { ...fitArgs, callbacks: [schedule(), stopAfter(6)] });
    expect(first.stopped).toBe('requested');
    expect(first.position).toMatchObject({ epoch: 1, batch: 2, step: 6 });
    const rest = await parted.fit(x, y, { ...fitArgs, initialPosition: first.position, callbacks: [schedule()] });
    expect(rest.epoch).toEqual([1, 2]);
    expect(bits(parted)).toEqual(bits(whole));
    expect(rest.history.loss.at(-1)).toBe(full.history.loss.at(-1));
    expect(rest.history.val_accuracy).toEqual(full.history.val_accuracy.slice(1));
  });

  it('a checkpoint written on stop resumes in a fresh process-like model bit for bit', async () => {
    setBackend(backend);
    const dir = mkdtempSync(join(tmpdir(), 'bw-resume-'));
    dirs.push(dir);
    const whole = net('rc');
    await whole.fit(x, y, { ...fitArgs, callbacks: [schedule()] });
    const parted = net('rc');
    const ck = callbacks.checkpoint({ dir, metadata: { note: 'kept' } });
    await parted.fit(x, y, { ...fitArgs, callbacks: [schedule(), ck, stopAfter(6)] });
    const loaded = await loadCheckpoint(dir);
    expect(loaded.position).toMatchObject({ epoch: 1, batch: 2, step: 6 });
    expect(loaded.metadata).toEqual({ note: 'kept' });
    expect(loaded.history.epoch).toEqual([0]);
    expect(loaded.model.optimizer!.iterations).toBe(6);
    await loaded.model.fit(x, y, { ...fitArgs, initialPosition: loaded.position, callbacks: [schedule()] });
    expect(bits(loaded.model)).toEqual(bits(whole));
  });
});

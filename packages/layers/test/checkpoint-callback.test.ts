import { Tensor } from '@batchwise/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callbacks, layers, loadCheckpoint, sequential, train, type LayersModel } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * callbacks.checkpoint: every generation it writes loads again, whatever
 * moment of fit it was written at and however the callback is used.
 */

const root = mkdtempSync(join(tmpdir(), 'bw-ckcb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `c${count++}`);

function small(prefix: string): LayersModel {
  const m = sequential({
    layers: [
      layers.dense({ units: 3, inputShape: [4], name: `${prefix}d` }),
      layers.dropout({ rate: 0.5, name: `${prefix}dr` }),
      layers.dense({ units: 2, activation: 'softmax', name: `${prefix}o` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const x = randn([20, 4], 1);
const y = new Tensor(Float32Array.from({ length: 40 }, (_, i) => (i % 2 === (i >> 1) % 2 ? 1 : 0)), [20, 2]);
const bits = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.data));

describe('callbacks.checkpoint writes only checkpoints that load', () => {
  it('a step save on the last batch of an epoch loads, and resumes bit for bit (validation included)', async () => {
    const dir = fresh();
    const args = { epochs: 2, batchSize: 4, seed: 3, verbose: 0 as const, validationSplit: 0.2 };
    const whole = small('sl');
    const full = await whole.fit(x, y, args);
    // 16 training samples in batches of 4: step 4 is the last batch of epoch 0, saved before validation runs.
    const loadedAt: string[] = [];
    const ck = callbacks.checkpoint({
      dir,
      saveFreq: 4,
      onSave: async (saved, reason) => {
        if (reason === 'step') loadedAt.push((await loadCheckpoint(dir)).dir === saved ? 'step save loads' : 'fell back');
      },
    });
    await small('sl').fit(x, y, { ...args, epochs: 1, callbacks: [ck] });
    expect(loadedAt).toEqual(['step save loads']);
    // Resumed from that step save (a crash during validation), the run is the uninterrupted one.
    rmSync(ck.lastSaved!, { recursive: true });
    const back = await loadCheckpoint(dir);
    expect(back.position).toMatchObject({ epoch: 0, batch: 4, step: 4 });
    const rest = await back.model.fit(x, y, { ...args, initialPosition: back.position });
    expect(rest.history.val_loss).toEqual(full.history.val_loss);
    expect(bits(back.model)).toEqual(bits(whole));
  });
});

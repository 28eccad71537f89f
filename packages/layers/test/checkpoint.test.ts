import { Tensor } from '@batchwise/core';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '@batchwise/core';
import { layers, loadCheckpoint, saveCheckpoint, sequential, train, type LayersModel } from '../src/index.js';
import './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'bw-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `c${count++}`);

function small(prefix: string): LayersModel {
  const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [4], name: `${prefix}d` }), layers.dropout({ rate: 0.5, name: `${prefix}dr` }), layers.dense({ units: 2, activation: 'softmax', name: `${prefix}o` })] });
  m.compile({ optimizer: train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

const content = (epoch = 1) => ({
  position: { epoch, batch: 0, step: epoch * 2, sums: [0, 0], seen: 0, seconds: 0 },
  history: { epoch: Array.from({ length: epoch }, (_, i) => i), history: { loss: Array.from({ length: epoch }, () => 0.5) } },
  fit: { epochs: 5, batchSize: 4, seed: 1, shuffle: true, samples: 8 },
  metadata: { dataset: 'mnist' },
});

const lastGeneration = (dir: string) => join(dir, readdirSync(dir).filter((n) => n.startsWith('gen-')).sort().at(-1)!);

/** Rewrites one field of the newest generation's state.json. */
function forge(dir: string, edit: (s: Record<string, any>) => void): void {
  const file = join(lastGeneration(dir), 'state.json');
  const s = JSON.parse(readFileSync(file, 'utf8'));
  edit(s);
  writeFileSync(file, JSON.stringify(s));
}

describe('checkpoint state.json is validated field by field (issue 11)', () => {
  const cases: [string, (s: Record<string, any>) => void, RegExp][] = [
    ['batch 1e9', (s) => (s.position.batch = 1e9), /position\.batch must be at most 2/],
    ['batchSize -5', (s) => (s.fit.batchSize = -5), /fit\.batchSize must be >=1, received -5/],
    ['epoch -3', (s) => (s.position.epoch = -3), /position\.epoch must be >=0, received -3/],
    ['an unknown optimizer', (s) => (s.compile.optimizer.className = 'Lion'), /compile\.optimizer\.className must be \("SGD" \| "Adam"\), received "Lion"/],
    ['a missing key', (s) => delete s.position, /state\.json: position is missing\./],
    ['an unknown key', (s) => (s.extra = 1), /extra must be never/],
    ['a NaN-like string', (s) => (s.position.sums[0] = 'NaN'), /position\.sums\.0 must be number, received "NaN"/],
    ['another format', (s) => (s.format = 'other'), /format must be "batchwise-checkpoint"/],
    ['a slot past the file', (s) => (s.optimizerState.slots.at(-1).shape = [1000, 1000]), /optimizer\.bin: must hold \d+ bytes/],
    ['a Dropout state that is not a count', (s) => (s.random = { cdr: { calls: -1, derivedSeed: 0 } }), /random\.cdr\.calls must be >=0/],
  ];
  it.each(cases)('refuses %s with a line naming the field', async (_name, edit, message) => {
    const dir = fresh();
    const m = small('c');
    await m.trainOnBatch(new Tensor(new Float32Array(16).fill(1), [4, 4]), new Tensor(Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1), [4, 2]));
    await saveCheckpoint(dir, m, content());
    forge(dir, edit);
    await expect(loadCheckpoint(dir)).rejects.toThrow(message);
  });

  it('a valid one restores optimizer state, dropout counters and metadata', async () => {
    const dir = fresh();
    const m = small('v');
    const xb = new Tensor(new Float32Array(16).fill(1), [4, 4]);
    const yb = new Tensor(Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1), [4, 2]);
    await m.trainOnBatch(xb, yb);
    await m.trainOnBatch(xb, yb);
    await saveCheckpoint(dir, m, content());
    const back = await loadCheckpoint(dir);
    expect(back.metadata).toEqual({ dataset: 'mnist' });
    expect(back.model.optimizer!.className).toBe('SGD');
    expect(back.model.optimizer!.getConfig()).toEqual({ learningRate: 0.1, momentum: 0.9, nesterov: false });
    expect(back.model.optimizer!.getWeights()).toEqual(m.optimizer!.getWeights());
    expect(back.model.getRandomState()).toEqual({ vdr: { calls: 2, derivedSeed: expect.any(Number) } });
    expect(back.model.getRandomState()).toEqual(m.getRandomState());
  });
});

describe('generations: a crash never loses the last good checkpoint (issue 11)', () => {
  it('falls back to the previous generation when the newest is incomplete, and names why', async () => {
    const dir = fresh();
    const m = small('g');
    await saveCheckpoint(dir, m, content(1));
    await saveCheckpoint(dir, m, content(2));
    rmSync(join(lastGeneration(dir), 'optimizer.bin'));
    const back = await loadCheckpoint(dir);
    expect(back.position.epoch).toBe(1);
    rmSync(join(dir, 'gen-00000001', 'state.json'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/no generation in .* loads; gen-00000002: .*optimizer\.bin.*; gen-00000001: .*state\.json/);
  });

  it('ignores and removes leftovers of crashed saves; keeps two generations', async () => {
    const dir = fresh();
    const m = small('l');
    await saveCheckpoint(dir, m, content(1));
    mkdirSync(join(dir, '.tmp-crashed'));
    writeFileSync(join(dir, '.tmp-crashed', 'state.json'), '{');
    expect((await loadCheckpoint(dir)).position.epoch).toBe(1);
    await saveCheckpoint(dir, m, content(2));
    await saveCheckpoint(dir, m, content(3));
    expect(readdirSync(dir).sort()).toEqual(['gen-00000002', 'gen-00000003']);
  });

  it('says plainly when a directory holds no checkpoint', async () => {
    const dir = fresh();
    mkdirSync(dir);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/no checkpoint in .* \(no gen-\* directory\)/);
  });

  const KILLS = Number(process.env.BATCHWISE_KILL_TESTS ?? 12);
  it(`kill -9 at ${KILLS} random instants of repeated saves: every time a whole generation loads`, async () => {
    const saver = fileURLToPath(new URL('./fixtures/checkpoint-saver.mjs', import.meta.url));
    const rng = new Random(2026);
    const dir = fresh();
    let start = 0;
    let killedMidSave = 0;
    for (let i = 0; i < KILLS; i++) {
      const child = spawn(process.execPath, [saver, dir, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let saved = 0;
      child.stdout.on('data', (d: Buffer) => void (saved += d.toString().split('\n').length - 1));
      // Wait for a first save (the import takes a while), then kill at a random instant of the next ones.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, rng.uniform(0, 60)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const back = await loadCheckpoint(dir);
      const k = (back.metadata as { k: number }).k;
      expect(back.position.epoch).toBe(k);
      for (const w of back.model.getWeights()) expect(w.data.every((v) => v === k), `generation ${k} holds weights of one save`).toBe(true);
      if (readdirSync(dir).some((n) => n.startsWith('.tmp-'))) killedMidSave++;
      start = k + 1;
      expect(saved).toBeGreaterThan(0);
    }
    // Not asserted (timing), but reported: how many kills landed inside a save.
    console.log(`checkpoint kill test: ${KILLS} kills, ${killedMidSave} left a partial save behind`);
  }, Math.max(120_000, KILLS * 5_000));
});

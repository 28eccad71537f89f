import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

/*
 * `--resume` trusts nothing in the checkpoint: the run settings it keeps as
 * metadata are checked field by field before anything is loaded or trained
 * (issue 11: a forged dataset path, an unknown optimizer, a negative batch size).
 */

const { dir, cleanup } = tempDir();
const out = join(dir, 'run');
afterAll(cleanup);
beforeAll(async () => {
  const r = await run(['train', 'mlp', '--limit', '64', '--epochs', '1', '--backend', 'cpu', '--out', out]);
  expect(r.code).toBe(0);
}, 120_000);

function forgeMetadata(edit: (m: Record<string, unknown>) => void): void {
  const root = join(out, 'checkpoint');
  const newest = join(root, readdirSync(root).filter((n) => n.startsWith('gen-')).sort().at(-1)!, 'state.json');
  const state = JSON.parse(readFileSync(newest, 'utf8'));
  edit(state.metadata);
  writeFileSync(newest, JSON.stringify(state));
}

describe('--resume validates the run settings in the checkpoint', () => {
  it.each([
    ['a dataset path', (m: Record<string, unknown>) => (m.dataset = '../../etc'), /metadata\.dataset must be \("fashion-mnist" \| "mnist"\), received "\.\.\/\.\.\/etc"/],
    ['an unknown optimizer', (m: Record<string, unknown>) => (m.optimizer = 'lion'), /metadata\.optimizer must be \("adam" \| "sgd" \| "momentum"\), received "lion"/],
    ['a negative batch size', (m: Record<string, unknown>) => (m.batchSize = -5), /metadata\.batchSize must be >=1, received -5/],
    ['a missing seed', (m: Record<string, unknown>) => delete m.seed, /metadata\.seed is missing$/m],
  ])('refuses %s in one line naming the field', async (_name, edit, message) => {
    const original = readFileSync(join(out, 'checkpoint', readdirSync(join(out, 'checkpoint')).filter((n) => n.startsWith('gen-')).sort().at(-1)!, 'state.json'), 'utf8');
    forgeMetadata(edit);
    try {
      const r = await run(['train', '--resume', out, '--epochs', '2', '--backend', 'cpu']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    } finally {
      forgeMetadata((m) => Object.assign(m, JSON.parse(original).metadata));
    }
  });
});

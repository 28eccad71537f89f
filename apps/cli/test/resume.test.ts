import { listBackends } from '@batchwise/core';
import { loadLayersModel } from '@batchwise/layers';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { COMMANDS } from '../src/commands/index.js';
import { PRESET_NAMES } from '../src/presets/index.js';
import { run, tempDir } from './helpers.js';

/*
 * Ctrl-C then --resume ends with the very bits of an uninterrupted run, for
 * every preset (dropout included) on every backend that loads. The SIGINT is
 * raised when the first epoch's status line is written, so the run stops
 * after the first batch of epoch 2: mid-epoch, deterministically.
 */

await import('@batchwise/backend-cpu');
try {
  await import('@batchwise/backend-native');
} catch {
  // cpu only
}
const backends = listBackends().filter((b) => b.available).map((b) => b.name);
const { dir, cleanup } = tempDir();
afterAll(cleanup);

const args = (preset: string, out: string, backend: string) => ['train', preset, '--limit', '256', '--epochs', '2', '--batch-size', '32', '--backend', backend, '--out', out];

async function interrupted(preset: string, out: string, backend: string): Promise<number> {
  let raised = false;
  const stderr = (t: string) => {
    if (!raised && t.includes('epoch 1/2:')) {
      raised = true;
      process.emit('SIGINT');
    }
  };
  return runCli([...args(preset, out, backend), '--json'].filter((a) => a !== '--json'), COMMANDS, { streams: { stdout: () => {}, stderr }, cwd: process.cwd() });
}

describe.each(backends)('resume after Ctrl-C on %s', (backend) => {
  it.each(PRESET_NAMES)('%s ends with the bits of an uninterrupted run', async (preset) => {
    const whole = join(dir, `${backend}-${preset}-whole`);
    const parted = join(dir, `${backend}-${preset}-parted`);
    expect((await run(args(preset, whole, backend))).code).toBe(0);
    expect(await interrupted(preset, parted, backend)).toBe(130);
    const resumed = await run(['train', '--resume', parted, '--backend', backend, '--json']);
    expect(resumed.code).toBe(0);
    const [a, b] = await Promise.all([loadLayersModel(whole), loadLayersModel(parted)]);
    expect(b.getWeights().map((w) => Array.from(w.data))).toEqual(a.getWeights().map((w) => Array.from(w.data)));
  }, 120_000);
});

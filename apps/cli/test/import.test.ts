import '@batchwise/backend-cpu';
import { Tensor, setBackend } from '@batchwise/core';
import { layers, loadLayersModel, sequential, translators } from '@batchwise/layers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise import`: the reduced-width cnn-bn PyTorch fixture of
 * @batchwise/layers (packages/layers/test/fixtures/pytorch) into the same
 * architecture given as a model.json, saved, reloaded, and predicting what
 * PyTorch predicted; and the errors a wrong architecture gives.
 */

const FIXTURES = join(import.meta.dirname, '../../../packages/layers/test/fixtures/pytorch');
const { dir, cleanup } = tempDir('batchwise-import-');
afterAll(cleanup);
beforeAll(() => setBackend('cpu'));

const npy = (name: string) => translators.readNpy(new Uint8Array(readFileSync(join(FIXTURES, name))));

/** cnn-bn at the fixture's widths (conv4, conv8, dense16), the preset's layer sequence. */
async function saveArchitecture(at: string): Promise<void> {
  const conv = (filters: number) => layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false });
  const relu = () => layers.activation({ activation: 'relu' });
  const m = sequential({
    layers: [
      layers.inputLayer({ shape: [28, 28, 1] }),
      conv(4), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
      conv(8), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(), layers.dense({ units: 16, useBias: false }), layers.batchNormalization(), relu(), layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  await m.save(at);
}

describe('batchwise import', () => {
  it('loads a PyTorch state dict into a saved architecture, saves it, and it predicts as PyTorch did', async () => {
    await saveArchitecture(join(dir, 'arch'));
    const r = await run(['import', join(FIXTURES, 'cnn-bn.npz'), '--model', join(dir, 'arch'), '--out', join(dir, 'imported')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pytorch -> batchwise: .*momentum 0\.1 -> 0\.9, epsilon 0\.00001/);
    expect(r.stdout).toMatch(/0\.weight \[4,1,3,3\] -> .*\/kernel \[3,3,1,4\] \(OIHW -> HWIO\)/);
    expect(r.stdout).toMatch(/rows reordered from the \(C,H,W\) flatten of \[7,7,8\] to \(H,W,C\)/);
    const m = await loadLayersModel(join(dir, 'imported'));
    const x = npy('inputs.npy');
    const probs = (m.predict(new Tensor(x.values as Float32Array, x.shape)) as Tensor).data;
    const expected = npy('cnn-bn.expected.npy').values;
    expect(Math.max(...Array.from(probs, (p, i) => Math.abs(p - expected[i])))).toBeLessThan(1e-5);
  });

  it('a preset of another width is refused with the key and both shapes (exit 1)', async () => {
    const r = await run(['import', join(FIXTURES, 'mlp-bn.npz'), '--preset', 'mlp-bn', '--out', join(dir, 'no')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mlp-bn\.npz: cannot import into preset mlp-bn: loadStateDict: '1\.weight' must have shape \[784,256\] .* received \[16,784\]/);
  });

  it('needs exactly one architecture, and checks its numbers', async () => {
    const none = await run(['import', join(FIXTURES, 'mlp.npz'), '--out', join(dir, 'no')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give exactly one of --preset and --model/);
    const bad = await run(['import', join(FIXTURES, 'mlp.npz'), '--preset', 'mlp', '--momentum', '1.5', '--out', join(dir, 'no')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--momentum.*must be a number in \[0, 1\] or 'none', received '1.5'/);
  });
});

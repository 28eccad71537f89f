import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/*
 * PyTorch's starting weights are drawn by batchwise; `bench memory --only
 * torch` and `time-to-accuracy --only torch` load none of our backends for
 * themselves. In a fresh process (no backend imported), the draw must still work.
 */

const TORCH_RUN = fileURLToPath(new URL('../dist/accuracy/torch-run.js', import.meta.url));

it('draws the starting weights for PyTorch in a process that has loaded no backend', async () => {
  const script = `const m = await import(${JSON.stringify(TORCH_RUN)}); const w = await m.torchStartingWeights(); ` +
    `console.log(JSON.stringify(Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.shape]))));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  const shapes = JSON.parse(stdout) as Record<string, number[]>;
  expect(Object.keys(shapes).length).toBeGreaterThan(4);
  expect(Object.keys(shapes).every((k) => k.startsWith('before.'))).toBe(true);
  expect(Object.values(shapes).some((s) => s.join() === '3,3,1,16')).toBe(true);
});

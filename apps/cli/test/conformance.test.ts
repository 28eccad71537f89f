import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('batchwise conformance', () => {
  it('prints the kernel x backend matrix as JSON', async () => {
    const r = await run(['conformance', '--backend', 'cpu', '--kernel', 'relu', 'batchNormTraining', '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { backends: string[]; pass: boolean; matrix: Record<string, Record<string, { pass: boolean }>> };
    expect(m.backends).toEqual(['cpu']);
    expect(m.pass).toBe(true);
    expect(Object.keys(m.matrix).sort()).toEqual(['batchNormTraining', 'relu']);
    expect(m.matrix.relu.cpu.pass).toBe(true);
  });

  it('renders a table', async () => {
    const r = await run(['conformance', '--backend', 'cpu', '--kernel', 'maxPool']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/maxPool\s+pass/);
  });

  it('rejects an unknown backend or kernel with exit code 2', async () => {
    expect((await run(['conformance', '--backend', 'gpu'])).code).toBe(2);
    expect((await run(['conformance', '--backend', 'cpu', '--kernel', 'nope'])).code).toBe(2);
  });
});

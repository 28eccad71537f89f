import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('batchwise conformance', () => {
  it('prints the kernel x backend matrix as JSON', async () => {
    const r = await run(['conformance', '--backend', 'cpu', '--kernel', 'relu', 'batchNormTraining', '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { backends: Record<string, Record<string, { pass: boolean; cases: number }>>; pass: boolean };
    expect(Object.keys(m.backends)).toEqual(['cpu']);
    expect(m.pass).toBe(true);
    expect(Object.keys(m.backends.cpu).sort()).toEqual(['batchNormTraining', 'relu']);
    expect(m.backends.cpu.relu.pass).toBe(true);
    expect(m.backends.cpu.relu.cases).toBeGreaterThan(0);
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

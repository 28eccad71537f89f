import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

// Tiny sizes: these check the plumbing (runs, plots, conclusion, JSON), not the science.
const CASES: [string, string[]][] = [
  ['speed', ['--steps', '20', '--eval-every', '10', '--limit', '300']],
  ['learning-rate', ['--steps', '10', '--eval-every', '5', '--limit', '200', '--rates', '0.1,1000']],
  ['covariate-shift', ['--steps', '20', '--eval-every', '5', '--limit', '300']],
  ['input-scaling', ['--epochs', '2', '--limit', '100']],
  ['regularization', ['--epochs', '1', '--limit', '200']],
  ['placement', ['--steps', '4', '--eval-every', '2', '--limit', '200']],
];

describe('batchwise experiment', () => {
  it.each(CASES)('%s writes a report with SVG plots and a conclusion', async (name, flags) => {
    const out = join(dir, name);
    const r = await run(['experiment', name, ...flags, '--backend', 'cpu', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { experiment: string; report: string; conclusion: string[]; metrics: object };
    expect(j.experiment).toBe(name);
    expect(j.conclusion.length).toBeGreaterThanOrEqual(2);
    const html = readFileSync(j.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).toContain('Conclusion');
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toHaveProperty('metrics');
  });
});

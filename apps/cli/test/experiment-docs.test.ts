import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { README_BEGIN, README_END, type StoredMetrics } from '../src/experiments/docs.js';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise experiment docs` builds EXPERIMENTS.md and the README table
 * from metrics.json files alone; --check fails when a committed page is not
 * what the committed runs generate (so no number there is typed by hand).
 */

const { dir, cleanup } = tempDir('batchwise-docs-');
afterAll(cleanup);

function fakeRun(folder: string, experiment: string, headline: string): void {
  const m: StoredMetrics = {
    experiment, title: `Experiment: ${experiment}?`, claim: `claim of ${experiment}`, headline,
    settings: { architecture: 'MLP | 2 layers', backend: 'native', reproduce: `node apps/cli/dist/main.js experiment ${experiment}` },
    command: `node apps/cli/dist/main.js experiment ${experiment} --seeds 5`, seconds: 754, plot: `${experiment}.svg`, report: 'report.html',
    conclusion: ['First paragraph, 93.1% [92.8%, 93.4%].', 'Second.'],
    tables: [{ section: 'Numbers', header: ['a', 'b'], rows: [['1', '2 | 3']] }],
  };
  mkdirSync(join(dir, 'runs', folder), { recursive: true });
  writeFileSync(join(dir, 'runs', folder, 'metrics.json'), JSON.stringify(m));
}

describe('batchwise experiment docs', () => {
  fakeRun('placement', 'placement', 'MLP +1.90 points [+0.60, +3.20] (before is higher)');
  fakeRun('speed', 'speed', 'reached 2.1x [1.8x, 2.5x] sooner');
  fakeRun('learning-rate-sigmoid', 'learning-rate', 'sigmoid headline');
  fakeRun('learning-rate', 'learning-rate', 'relu headline');
  const readme = join(dir, 'README.md');
  writeFileSync(readme, `# x\n\n${README_BEGIN}\nold table\n${README_END}\n\nrest\n`);
  const page = join(dir, 'apps', 'cli', 'EXPERIMENTS.md');
  const args = ['experiment', 'docs', '--from', join(dir, 'runs'), '--page', page, '--readme', readme];

  it('writes the page and the README table from the metrics files, in experiment order', async () => {
    const r = await run(args);
    expect(r.code).toBe(0);
    const text = readFileSync(page, 'utf8');
    const order = ['## speed', '## learning-rate\n', '## learning-rate-sigmoid', '## placement'].map((h) => text.indexOf(h));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]))).toBe(true);
    expect(text).toContain('reached 2.1x [1.8x, 2.5x] sooner');
    expect(text).toContain('First paragraph, 93.1% [92.8%, 93.4%].');
    expect(text).toContain('| 1 | 2 \\| 3 |');
    expect(text).toContain('node apps/cli/dist/main.js experiment speed --seeds 5');
    expect(text).toContain('](../../runs/speed/speed.svg)');
    expect(text).toContain('| 13 min |');
    const md = readFileSync(readme, 'utf8');
    expect(md).toContain('| [placement](runs/placement/placement.svg) | claim of placement | MLP +1.90 points [+0.60, +3.20] (before is higher) |');
    expect(md).not.toContain('old table');
    expect(md.endsWith(`${README_END}\n\nrest\n`)).toBe(true);
  });

  it('--check passes on what it wrote and fails on a hand edit', async () => {
    expect((await run([...args, '--check'])).code).toBe(0);
    writeFileSync(page, readFileSync(page, 'utf8').replace('93.1%', '94.2%'));
    const r = await run([...args, '--check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('out of date');
  });

  it('names a metrics file written by an older batchwise', async () => {
    mkdirSync(join(dir, 'old', 'speed'), { recursive: true });
    writeFileSync(join(dir, 'old', 'speed', 'metrics.json'), JSON.stringify({ experiment: 'speed', metrics: {} }));
    const r = await run(['experiment', 'docs', '--from', join(dir, 'old'), '--page', page, '--readme', readme]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/old\/speed\/metrics\.json: missing title, claim, headline/);
  });
});

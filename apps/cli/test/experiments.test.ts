import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise experiment`: flag validation (exit 2 with the subcommand's
 * usage, before any training), and for each experiment at a tiny size with
 * two seeds: the standalone SVG of the main plot, the stated settings and
 * reproduce command, finite intervals in metrics.json (identical to --json),
 * a headline, the report's HTML, and a report rebuilt by --from that equals
 * the original. Tiny sizes: these check the plumbing, not the science.
 */

const { dir, cleanup } = tempDir('batchwise-experiments-');
afterAll(cleanup);

const BAD_FLAGS: [string, string[], RegExp][] = [
  ['speed', ['--steps', '0'], /--steps <n>' argument '0' is invalid/],
  ['speed', ['--steps', '2.5'], /must be a positive integer, received '2.5'/],
  ['speed', ['--steps', '10', '--eval-every', '20'], /--eval-every must be at most --steps \(10\), received 20/],
  ['speed', ['--lrs', 'fast'], /comma-separated list of positive numbers, received 'fast'/],
  ['speed', ['--initializers', 'glorot,xavier'], /must be a comma-separated list of glorot, he, pytorch, received 'glorot,xavier'/],
  ['speed', ['--seeds', '1'], /--seeds must be at least 2 \(a confidence interval needs two runs\), received 1/],
  ['speed', ['--split', 'random'], /Allowed choices are stratified, file-order/],
  ['learning-rate', ['--rates', '0.1,abc'], /comma-separated list of positive numbers/],
  ['learning-rate', ['--rates', '0.1'], /--rates needs at least two values, received 1/],
  ['learning-rate', ['--activation', 'softmax'], /Allowed choices are relu, sigmoid, tanh/],
  ['learning-rate', ['--initializer', 'xavier'], /Allowed choices are glorot, he, pytorch/],
  ['covariate-shift', ['--unit', '100'], /--unit must be below 100 .*received 100/],
  ['covariate-shift', ['--unit', '-1'], /must be a non-negative integer/],
  ['input-scaling', ['--lr', '-1'], /must be a positive number, received '-1'/],
  ['input-scaling', ['--data-seed', '1.5'], /must be an integer, received '1.5'/],
  ['regularization', ['--epochs', 'x'], /must be a positive integer, received 'x'/],
  ['regularization', ['--seeds', '0'], /--seeds <n>' argument '0' is invalid/],
  ['placement', ['--limit', '0'], /must be a positive integer, received '0'/],
  ['placement', ['--seed', '1.5'], /must be an integer, received '1.5'/],
  ['placement', ['--backend', 'gpu'], /--backend must be one of/],
  ['placement', ['--split-seed', 'x'], /must be an integer, received 'x'/],
];

describe('batchwise experiment flag validation', () => {
  it.each(BAD_FLAGS)('%s %j exits 2 with the usage', async (name, flags, message) => {
    const r = await run(['experiment', name, ...flags, '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`Usage: batchwise experiment ${name}`);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an unknown experiment', async () => {
    const r = await run(['experiment', 'warp-speed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'warp-speed'");
  });

  it('lists the six experiments in its help', async () => {
    const r = await run(['experiment', '--help']);
    expect(r.code).toBe(0);
    for (const name of ['speed', 'learning-rate', 'covariate-shift', 'input-scaling', 'regularization', 'placement', 'docs']) expect(r.stdout).toContain(name);
  });

  it('--from refuses another experiment\'s metrics and a folder without them', async () => {
    const r = await run(['experiment', 'speed', '--from', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a readable metrics.json');
  });
});

type Metrics = Record<string, unknown>;
interface Json { experiment: string; plot: string; report: string; headline: string; claim: string; command: string; settings: Record<string, string>; conclusion: string[]; metrics: Metrics; raw: unknown }
interface Interval { mean: number | null; lower: number | null; upper: number | null }
interface Cmp { difference: Interval; larger: string; text: string }

const finiteInterval = (iv: Interval) => [iv.mean, iv.lower, iv.upper].every((v) => typeof v === 'number' && Number.isFinite(v));

/** Per experiment: tiny flags, and checks of its metrics beyond the common ones. */
const TINY: [string, string[], (j: Json) => void][] = [
  ['speed', ['--steps', '20', '--eval-every', '10', '--limit', '120', '--lrs', '0.5,2', '--initializers', 'glorot,pytorch'], (j) => {
    const cells = j.metrics.cells as { initializer: string; learningRate: number; finalComparison: Cmp; final: { plain: Interval; bn: Interval } }[];
    expect(cells.map((c) => `${c.initializer}/${c.learningRate}`)).toEqual(['glorot/0.5', 'glorot/2', 'pytorch/0.5', 'pytorch/2']);
    for (const c of cells) {
      expect(finiteInterval(c.finalComparison.difference)).toBe(true);
      expect(finiteInterval(c.final.bn)).toBe(true);
    }
    // Every learning rate is in the headline: none is picked.
    expect(j.headline).toMatch(/lr 0\.5.*lr 2/);
    expect(j.conclusion.join(' ')).toContain('Dependence on the initialiser');
  }],
  ['learning-rate', ['--steps', '10', '--eval-every', '5', '--limit', '200', '--rates', '0.1,1000'], (j) => {
    const rates = j.metrics.rates as { rate: number; plain: { outcome: string; tails: (number | null)[] }; bn: { outcome: string } }[];
    expect(rates[1]).toMatchObject({ rate: 1000, plain: { outcome: 'diverges' } });
    expect(rates[0].plain.tails.every((t) => typeof t === 'number')).toBe(true);
  }],
  ['covariate-shift', ['--steps', '10', '--eval-every', '5', '--limit', '120', '--unit', '7'], (j) => {
    const ics = j.metrics.ics as { layer: number; cosine: Cmp; relative: Cmp }[];
    expect(ics.map((x) => x.layer)).toEqual([2, 3, 4]);
    for (const x of ics) expect(finiteInterval(x.cosine.difference)).toBe(true);
    const raw = j.raw as { data: { runs: { bn: { probes: { shift: { cosine: number[] }[] }; units: { p50: number[] } }[] } } };
    for (const c of raw.data.runs.bn[0].probes.shift[0].cosine) expect(Math.abs(c)).toBeLessThanOrEqual(1 + 1e-6);
    expect(raw.data.runs.bn[0].units.p50).toHaveLength(100);
  }],
  ['input-scaling', ['--epochs', '2', '--limit', '100'], (j) => {
    const variants = j.metrics.variants as Record<string, { rmse: Interval; diverged: number[] }>;
    expect(Object.keys(variants)).toEqual(['raw', 'min-max', 'standardized', 'raw + BN layer']);
    // Raw inputs may diverge (that is the claim); the scaled ones must not.
    expect(finiteInterval(variants['min-max'].rmse)).toBe(true);
    expect(finiteInterval(variants.standardized.rmse)).toBe(true);
    expect((j.metrics.comparisons as { scalings: Cmp }).scalings.text).toMatch(/min-max − standardized/);
  }],
  ['regularization', ['--epochs', '2', '--limit', '100', '--split', 'file-order'], (j) => {
    const best = j.metrics.bestEpochComparisons as { a: string; b: string; c: Cmp }[];
    expect(best.map((x) => `${x.a} vs ${x.b}`)).toEqual(['BN vs plain', 'dropout vs plain', 'BN + dropout vs dropout']);
    for (const x of best) expect(finiteInterval(x.c.difference)).toBe(true);
    expect(j.metrics.gapDifferenceByEpoch).toHaveLength(2);
  }],
  ['placement', ['--steps', '4', '--eval-every', '2', '--limit', '100'], (j) => {
    const cmp = j.metrics.comparisons as Record<'MLP' | 'CNN', { end: Cmp; early: Cmp }>;
    for (const k of ['MLP', 'CNN'] as const) expect(finiteInterval(cmp[k].end.difference)).toBe(true);
    expect(j.headline).toMatch(/MLP.*CNN/);
  }],
];

const SETTINGS = ['architecture', 'optimizer', 'batch size', 'split', 'seeds', 'backend', 'reproduce'];

describe('batchwise experiment numbers', () => {
  it.each(TINY)('%s: settings, intervals, a standalone SVG, and --from rebuilds the same report', async (name, flags, check) => {
    const out = join(dir, name);
    const r = await run(['experiment', name, ...flags, '--seeds', '2', '--backend', 'cpu', '--seed', '3', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.plot).toBe(join(out, `${name}.svg`));
    const svg = readFileSync(j.plot, 'utf8');
    expect(svg.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const key of SETTINGS) expect(j.settings[key], key).toBeTruthy();
    expect(Object.keys(j.settings).some((k) => /learning rate/.test(k))).toBe(true);
    expect(Object.keys(j.settings).some((k) => /initiali[sz]er/.test(k))).toBe(true);
    expect(j.settings.backend).toBe('cpu');
    expect(j.command).toBe(j.settings.reproduce);
    expect(j.command).toMatch(new RegExp(`^node apps/cli/dist/main\\.js experiment ${name} .*--seeds 2 .*--seed 3 .*--backend cpu`));
    expect(j.headline.length).toBeGreaterThan(20);
    expect(j.conclusion.length).toBeGreaterThanOrEqual(2);
    check(j);
    const html = readFileSync(j.report, 'utf8');
    expect(html).toContain(svg.slice(0, svg.indexOf('<g')));
    expect(html).toContain('role-mark');
    expect(html).toContain('Vega-Lite spec of this plot');
    expect(html).toContain('Conclusion');
    expect(html).toContain(j.command.replace(/'/g, '&#39;'));
    // metrics.json names its report and plot relative to its own folder; the rest equals --json.
    const stored = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(stored).toEqual({ ...j, report: 'report.html', plot: `${name}.svg` });
    // The raw measurements alone rebuild the same numbers, text and plot, without training.
    const again = join(dir, `${name}-again`);
    const rebuilt = await run(['experiment', name, '--from', out, '--out', again, '--json']);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(readFileSync(join(again, 'metrics.json'), 'utf8'))).toEqual(stored);
    expect(readFileSync(join(again, `${name}.svg`), 'utf8')).toBe(svg);
  });
});

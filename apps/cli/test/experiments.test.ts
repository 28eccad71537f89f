import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise experiment`: flag validation (exit 2 with the subcommand's
 * usage, before any training), and for each experiment at a tiny size: the
 * standalone SVG of the main plot, finite key numbers in --json and in
 * metrics.json, and a conclusion that takes a side on the claim.
 * experiment.test.ts checks the report HTML; this file checks the numbers.
 */

const { dir, cleanup } = tempDir('batchwise-experiments-');
afterAll(cleanup);

const BAD_FLAGS: [string, string[], RegExp][] = [
  ['speed', ['--steps', '0'], /--steps <n>' argument '0' is invalid/],
  ['speed', ['--steps', '2.5'], /must be a positive integer, received '2.5'/],
  ['speed', ['--steps', '10', '--eval-every', '20'], /--eval-every must be at most --steps \(10\), received 20/],
  ['speed', ['--lr', 'fast'], /must be a positive number, received 'fast'/],
  ['learning-rate', ['--rates', '0.1,abc'], /comma-separated list of positive numbers/],
  ['learning-rate', ['--rates', '0.1'], /--rates needs at least two values, received 1/],
  ['learning-rate', ['--activation', 'softmax'], /Allowed choices are relu, sigmoid, tanh/],
  ['covariate-shift', ['--unit', '100'], /--unit must be below 100 .*received 100/],
  ['covariate-shift', ['--unit', '-1'], /must be a non-negative integer/],
  ['input-scaling', ['--lr', '-1'], /must be a positive number, received '-1'/],
  ['regularization', ['--epochs', 'x'], /must be a positive integer, received 'x'/],
  ['regularization', ['--seeds', '0'], /--seeds <n>' argument '0' is invalid/],
  ['placement', ['--limit', '0'], /must be a positive integer, received '0'/],
  ['placement', ['--seed', '1.5'], /must be an integer, received '1.5'/],
  ['placement', ['--backend', 'gpu'], /--backend must be one of/],
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
    for (const name of ['speed', 'learning-rate', 'covariate-shift', 'input-scaling', 'regularization', 'placement']) expect(r.stdout).toContain(name);
  });
});

type Metrics = Record<string, unknown>;
type Json = { experiment: string; plot: string; report: string; conclusion: string[]; metrics: Metrics };

/** Key numbers of each experiment that must be finite at any size (diverged runs excepted, by design). */
const TINY: [string, string[], (m: Metrics) => number[]][] = [
  ['speed', ['--steps', '30', '--eval-every', '10', '--limit', '300'], (m) => {
    const runs = m.runs as Record<'plain' | 'bn', { curve: { evalAccuracy: number; evalLoss: number }[] }>;
    return Object.values(runs).flatMap((r) => r.curve.flatMap((c) => [c.evalAccuracy, c.evalLoss]));
  }],
  ['learning-rate', ['--steps', '10', '--eval-every', '5', '--limit', '200', '--rates', '0.01,0.1'], (m) =>
    (m.runs as { accuracy: number }[]).map((r) => r.accuracy)],
  ['covariate-shift', ['--steps', '20', '--eval-every', '5', '--limit', '300', '--unit', '7'], (m) => {
    const layer = m.layer as { median: { plain: number; bn: number }; relativeMedianShift: { plain: number[]; bn: number[] } };
    const tracks = m.tracks as Record<'plain' | 'bn', { p: number[] }[]>;
    expect(layer.relativeMedianShift.bn).toHaveLength(100);
    return [layer.median.plain, layer.median.bn, ...Object.values(tracks).flatMap((t) => t.flatMap((x) => x.p))];
  }],
  ['input-scaling', ['--epochs', '2', '--limit', '100'], (m) => {
    const runs = m.runs as Record<string, { finalRmse: number }>;
    expect(Object.keys(runs)).toEqual(['raw', 'min-max', 'standardized', 'raw + BN layer']);
    // Raw inputs may diverge (that is the claim); the scaled ones must not.
    return [m.baselineRmse as number, runs['min-max'].finalRmse, runs.standardized.finalRmse];
  }],
  ['regularization', ['--epochs', '1', '--limit', '200', '--seeds', '2'], (m) => Object.values(m.gaps as Record<string, number>)],
  ['placement', ['--steps', '4', '--eval-every', '2', '--limit', '200', '--seeds', '2'], (m) =>
    Object.values(m.runs as Record<string, { curve: { evalAccuracy: number }[] }>).flatMap((r) => r.curve.map((c) => c.evalAccuracy))],
];

describe('batchwise experiment numbers', () => {
  it.each(TINY)('%s: finite numbers, a standalone SVG and a verdict', async (name, flags, keyNumbers) => {
    const out = join(dir, name);
    const r = await run(['experiment', name, ...flags, '--backend', 'cpu', '--seed', '3', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.plot).toBe(join(out, `${name}.svg`));
    const svg = readFileSync(j.plot, 'utf8');
    expect(svg.trimStart().startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // The main plot is also inside the report.
    expect(readFileSync(j.report, 'utf8')).toContain(svg.slice(0, svg.indexOf('<title>')));
    const numbers = keyNumbers(j.metrics);
    expect(numbers.length).toBeGreaterThan(0);
    for (const v of numbers) expect(Number.isFinite(v)).toBe(true);
    expect(j.conclusion.join(' ')).toMatch(/agree|against|not|no meaningful|no measurable|as claimed|in line/i);
    // metrics.json names its report and plot relative to its own folder; the rest equals --json.
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toEqual({
      ...j,
      report: 'report.html',
      plot: `${name}.svg`,
    });
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageData } from '../src/data/image-data.js';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise inspect` and `batchwise recalibrate` on a model trained for a
 * handful of steps: its moving statistics still carry most of their
 * initializers, so inference is much worse than it should be. inspect must
 * say so; recalibrate must fix it and say by how much.
 */

const { dir, cleanup } = tempDir('batchwise-bn-tools-');
afterAll(cleanup);
const runDir = join(dir, 'short');
const fixed = join(dir, 'fixed');

beforeAll(async () => {
  // 400 training images in batches of 64: 7 updates of momentum 0.99, 93 % of the initializers left.
  const r = await run(['train', 'mlp-bn', '--dataset', 'mnist', '--limit', '400', '--epochs', '1', '--batch-size', '64', '--validation-split', '0', '--backend', 'cpu', '--out', runDir, '--json']);
  expect(r.code).toBe(0);
}, 120_000);

interface InspectJson {
  report: string;
  layers: { layer: string; updates: number; dataMean: number[]; staleness: string | null; flags: unknown[] }[];
  check: { layers: { causes: { kind: string }[]; divergence: number }[] };
}

describe('batchwise inspect', () => {
  it('finds the barely updated statistics, with a table and an HTML report with plots', async () => {
    const r = await run(['inspect', runDir, '--data', 'mnist', '--limit', '400', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S+ on mnist train \(400 examples\), 2 batches of 256, cpu backend/);
    expect(r.stdout).toMatch(/layer\s+features\s+updates\s+worst feature\s+mean gap\s+var ratio\s+flags/);
    expect(r.stdout).toMatch(/batch_normalization_BatchNormalization\d+\s+256\s+7\s/);
    expect(r.stdout).toContain('too-few-updates');
    expect(r.stdout).toContain('the moving statistics have had 7 updates, fewer than 1/(1 - momentum) = 100');
    const report = join(runDir, 'batch-norm-report.html');
    expect(r.stdout).toContain(`wrote ${report}`);
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(6);
    expect(html).toContain('variance per feature');
    expect(html).toContain('`batchwise recalibrate` recomputes the moving statistics');
  });

  it('prints JSON, and reads inputs from a CSV file', async () => {
    const data = loadImageData('mnist', 'test', 20);
    const rows = Array.from({ length: 20 }, (_, i) => Array.from(data.images.data.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)).join(','));
    const csv = join(dir, 'digits.csv');
    writeFileSync(csv, `${Array.from({ length: 784 }, (_, j) => `p${j}`).join(',')}\n${rows.join('\n')}\n`);
    const r = await run(['inspect', runDir, '--data', csv, '--report', join(dir, 'csv.html'), '--json', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as InspectJson;
    expect(j.report).toBe(join(dir, 'csv.html'));
    expect(j.layers.map((l) => [l.updates, l.dataMean.length])).toEqual([[7, 256], [7, 128]]);
    expect(j.check.layers[0].causes[0].kind).toBe('too-few-updates');
  });

  it('fails in one line for missing data and for a model without batch norm', async () => {
    const missing = await run(['inspect', runDir, '--data', join(dir, 'none.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/none\.csv: no such file or directory\n$/);
    const plain = join(dir, 'plain');
    expect((await run(['train', 'mlp', '--dataset', 'mnist', '--limit', '64', '--epochs', '1', '--backend', 'cpu', '--out', plain, '--json'])).code).toBe(0);
    const none = await run(['inspect', plain, '--data', 'mnist', '--limit', '64', '--backend', 'cpu']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`batchwise: ${plain}: the model has no BatchNormalization layer to inspect\n`);
  });
});

describe('batchwise recalibrate', () => {
  it('recomputes the statistics, recovers the accuracy the stale ones lost, and saves the model', async () => {
    const r = await run(['recalibrate', runDir, '--data', 'mnist', '--limit', '400', '--out', fixed, '--backend', 'cpu', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { out: string; batches: number; samples: number; layers: { valuesPerFeature: number }[]; accuracy: { on: string; before: number; after: number } };
    expect(j).toMatchObject({ out: fixed, batches: 2, samples: 400 });
    expect(j.layers.map((l) => l.valuesPerFeature)).toEqual([400, 400]);
    expect(j.accuracy.on).toBe('mnist test (400 examples)');
    expect(j.accuracy.after - j.accuracy.before).toBeGreaterThan(0.05);
    expect(existsSync(join(fixed, 'model.json'))).toBe(true);
    // The saved model: its statistics are the data's, and predict no longer has a reason to warn.
    const again = await run(['inspect', fixed, '--data', 'mnist', '--limit', '400', '--backend', 'cpu', '--json']);
    const k = JSON.parse(again.stdout) as InspectJson;
    expect(k.layers.map((l) => [l.updates, l.staleness])).toEqual([[1656, null], [1656, null]]);
    expect(k.check.layers.every((l) => !l.causes.some((c) => c.kind === 'too-few-updates'))).toBe(true);
  });

  it('prints the accuracy before and after, and will not overwrite a model', async () => {
    const out = join(dir, 'text');
    const r = await run(['recalibrate', join(runDir, 'model.json'), '--data', 'mnist', '--limit', '400', '--batches', '1', '--out', out, '--backend', 'cpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^recalibrated 2 batch norms of \S+ over mnist train \(400 examples\): 1 batches, 256 examples, cpu backend\n/);
    expect(r.stdout).toMatch(/mnist test \(400 examples\) accuracy: [\d.]+ % before, [\d.]+ % after \(\+[\d.]+ points\)\n/);
    const again = await run(['recalibrate', runDir, '--data', 'mnist', '--limit', '400', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`batchwise: ${out}: already holds a model; choose another --out\n`);
  });
});

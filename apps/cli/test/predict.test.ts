import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';
import { inkPng } from './png-digit.test.js';

const { dir, cleanup } = tempDir();
const model = join(dir, 'digits');
afterAll(cleanup);

beforeAll(async () => {
  const r = await run(['train', 'mlp', '--dataset', 'mnist', '--limit', '300', '--epochs', '1', '--backend', 'cpu', '--out', model, '--json']);
  expect(r.code).toBe(0);
});

describe('batchwise predict', () => {
  it('classifies a PNG of a digit', async () => {
    const png = join(dir, 'one.png');
    writeFileSync(png, inkPng(120, 160, [50, 20, 70, 140]));
    const r = await run(['predict', model, '--image', png, '--backend', 'cpu', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { notes: string[]; predictions: { predicted: number; label: string; top: unknown[] }[] };
    expect(j.predictions).toHaveLength(1);
    expect(j.predictions[0].top).toHaveLength(3);
    expect(j.predictions[0].label).toBe(String(j.predictions[0].predicted)); // MNIST class names are the digits
    expect(j.notes[0]).toContain('inverted');
    const text = await run(['predict', model, '--image', png, '--backend', 'cpu']);
    expect(text.stdout).toContain('predicted');
  });

  it('predicts the rows of a CSV file, with accuracy when a target column is named', async () => {
    const header = [...Array.from({ length: 784 }, (_, i) => `p${i}`), 'label'].join(',');
    const row = (v: number, label: number) => [...Array.from({ length: 784 }, (_, i) => (i % 29 === 0 ? v : 0)), label].join(',');
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, `${header}\n${row(255, 1)}\n${row(128, 7)}\n`);
    const r = await run(['predict', model, '--csv', csv, '--target', 'label', '--backend', 'cpu', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { predictions: { actual: number }[]; accuracy: number; notes: string[] };
    expect(j.predictions.map((p) => p.actual)).toEqual([1, 7]);
    expect(j.accuracy).toBeGreaterThanOrEqual(0);
    expect(j.notes.join(' ')).toContain('divided by 255');
    const noTarget = join(dir, 'features.csv');
    writeFileSync(noTarget, `${header.replace(',label', '')}\n${row(1, 0).replace(/,0$/, '')}\n`);
    expect((await run(['predict', model, '--csv', noTarget, '--backend', 'cpu'])).code).toBe(0);
  });

  it('reports missing and corrupt files in one line with exit code 1', async () => {
    const missing = await run(['predict', model, '--image', join(dir, 'none.png'), '--backend', 'cpu']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no such file');
    const bad = join(dir, 'bad.png');
    writeFileSync(bad, 'not a png');
    const corrupt = await run(['predict', model, '--image', bad, '--backend', 'cpu']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('not a readable PNG');
    const badModel = join(dir, 'broken');
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": 3}');
    const m = await run(['evaluate', join(dir, 'model.json'), '--backend', 'cpu']);
    expect(m.code).toBe(1);
    expect(m.stderr.trim().split('\n')).toHaveLength(1);
    expect(m.stderr).not.toMatch(/\n\s+at /);
    expect((await run(['evaluate', badModel])).code).toBe(1);
  });

  it('needs exactly one input', async () => {
    expect((await run(['predict', model])).code).toBe(2);
    expect((await run(['predict', model, '--split', 'test', '--image', 'x.png'])).code).toBe(2);
  });
});

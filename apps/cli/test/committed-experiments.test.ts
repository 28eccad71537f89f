import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { derivedFields } from '../src/experiments/docs.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { compactJson } from '../src/experiments/stored-run.js';
import { run } from './helpers.js';

/*
 * The full-size runs committed under docs/experiments/ and the pages made
 * from them. Every number and verdict in a run's metrics.json must be what
 * the current report code derives from the run's raw measurements, and
 * EXPERIMENTS.md and the README's table must be what `experiment docs`
 * generates from those files: no page can drift from the measurements, and
 * a change to a report's wording or statistics fails here until the runs
 * are rebuilt (`experiment <name> --from <dir>`) and the pages regenerated.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RUNS = join(ROOT, 'docs', 'experiments');
const SETTINGS = ['architecture', 'optimizer', 'batch size', 'split', 'seeds', 'backend', 'reproduce'];

const folders = readdirSync(RUNS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const stored = (folder: string) => JSON.parse(readFileSync(join(RUNS, folder, 'metrics.json'), 'utf8')) as Record<string, any>;

describe('the committed experiment runs', () => {
  it('cover every experiment, each over several seeds', () => {
    const runs = folders.map(stored);
    expect(new Set(runs.map((m) => m.experiment))).toEqual(new Set(EXPERIMENTS.map((e) => e.name)));
    for (const m of runs) expect(m.raw.data.seeds?.length ?? 0, m.experiment).toBeGreaterThanOrEqual(3);
  });

  for (const folder of folders) {
    it(`${folder}: states its settings and the command that wrote it there`, () => {
      const m = stored(folder);
      for (const key of SETTINGS) expect(m.settings[key], `${folder}: ${key}`).toBeTruthy();
      expect(m.settings['learning rate'] ?? m.settings['learning rates'], `${folder}: learning rate`).toBeTruthy();
      expect(m.settings.initializer ?? m.settings.initializers, `${folder}: initializer`).toBeTruthy();
      expect(m.command).toBe(m.settings.reproduce);
      expect(m.command).toMatch(new RegExp(`^node apps/cli/dist/main\\.js experiment ${m.experiment} .*--out docs/experiments/${folder} `));
    });

    it(`${folder}: every verdict and number is what the report code derives from its raw measurements`, () => {
      const m = stored(folder);
      const exp = EXPERIMENTS.find((e) => e.name === m.experiment)!;
      const now = JSON.parse(compactJson(derivedFields(exp.report(m.raw))));
      expect({ title: m.title, claim: m.claim, headline: m.headline, conclusion: m.conclusion, tables: m.tables, metrics: m.metrics }).toEqual(now);
    }, 300_000);
  }

  it('EXPERIMENTS.md and the README table are what `experiment docs` generates from them', async () => {
    const r = await run(['experiment', 'docs', '--check'], ROOT);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('up to date');
    expect(r.code).toBe(0);
  });
});

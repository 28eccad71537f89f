import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PART_NAMES } from '../src/run/context.js';
import type { RunRecord } from '../src/run/write.js';

/*
 * The bench as CI runs it: `bench --quick` (every part, every contender, once,
 * on small workloads) through the built entry, the way `pnpm bench --quick`
 * calls it. Asserts what was run and written, never a time.
 */

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { maxBuffer: 64 << 20, timeout: 900_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('bench --quick (the CI smoke run)', () => {
  it('runs every part and writes the JSON, Markdown, HTML report and charts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    try {
      const json = path.join(dir, 'run.json');
      const r = await bench(['--quick', '--json', json]);
      expect(r.stderr.split('\n').filter((l) => /error/i.test(l) && !l.includes('n/a'))).toEqual([]);
      expect(r.code).toBe(0);
      const record = JSON.parse(await readFile(json, 'utf8')) as RunRecord;
      expect(record.quick).toBe(true);
      expect(record.command).toBe(`pnpm bench --quick --json ${json}`);
      expect(Object.keys(record.parts)).toEqual([...PART_NAMES]);
      // PyTorch ran, or says in one line why not (CI has no torch).
      expect(record.torch.detail).toMatch(record.torch.available ? /^PyTorch / : /^skipped: [^\n]+$/);

      const models = record.parts.models!.data as { results: Record<string, Record<string, { sample?: unknown; unavailable?: string }>>; figures: unknown[] };
      expect(Object.keys(models.results)).toEqual(['cnn-train', 'cnn-predict-1', 'mlp-train', 'mlp-predict-1', 'cnnBn-train', 'cnnBn-predict-1']);
      for (const cells of Object.values(models.results)) expect(cells['batchwise-cpu']).toHaveProperty('sample');
      const accuracy = record.parts['time-to-accuracy']!.data as { runs: { contender: string; evals: unknown[]; unavailable?: string }[] };
      expect(accuracy.runs.find((x) => x.contender === 'cpu')!.evals.length).toBeGreaterThan(0);
      const memory = record.parts.memory!.data as { figures: { contender: string; rssPeakBytes: number; unavailable?: string }[] };
      expect(memory.figures.find((f) => f.contender === 'cpu')!.rssPeakBytes).toBeGreaterThan(0);

      const html = await readFile(path.join(dir, 'run.html'), 'utf8');
      const charts = Object.values(record.parts).flatMap((p) => p!.charts);
      expect(charts.length).toBeGreaterThan(0);
      expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(charts.length);
      for (const id of charts) expect(existsSync(path.join(dir, `run-${id}.svg`))).toBe(true);
      const md = await readFile(path.join(dir, 'run.md'), 'utf8');
      for (const title of ['## Kernels', '## Models', '## Time to accuracy', '## Scaling', '## Memory']) expect(md).toContain(title);
      expect(r.stdout).toContain('## Models');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);

  it('refuses an unknown part, flag or id with a message, exit code 1', async () => {
    const part = await bench(['kernel']);
    expect(part).toMatchObject({ code: 1, stderr: expect.stringContaining("bench: command must be one of all, kernels, models, time-to-accuracy, scaling, memory, received 'kernel'.") });
    const flag = await bench(['models', '--fast']);
    expect(flag).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown option '--fast'") });
    const id = await bench(['time-to-accuracy', '--only', 'native,gpu']);
    expect(id).toMatchObject({ code: 1, stderr: expect.stringContaining("must list ids from native, wasm, cpu, torch, received 'native,gpu'.") });
  }, 120_000);
});

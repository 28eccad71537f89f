import os from 'node:os';
import path from 'node:path';
import { ACT_SHAPE } from '../kernels/cases.js';
import { machineInfo } from '../machine/info.js';
import { PeakSource } from '../machine/peak-source.js';
import { RESULTS_DIR, stamp } from '../results.js';
import { describeTorch } from '../torch/child.js';
import { TorchPool } from '../torch/pool.js';
import type { PartName, PartResult, RunContext } from './context.js';
import { createProgress } from './progress.js';
import { PART_TITLES, runHeader, writeRun, type RunRecord } from './write.js';

/*
 * One bench run: the parts asked for, in order, sharing the peak probe and
 * the PyTorch children; each part's tables are printed when it ends, and the
 * run's files (JSON, Markdown, HTML, SVG charts) are written at the end.
 */

export interface RunOptions {
  /** How the run was asked for, e.g. `pnpm bench models --quick`. */
  command: string;
  /** Name of the files in results/ (`<name>-<date>.*`). */
  name: string;
  quick: boolean;
  /** --json FILE: the JSON goes there, the other files beside it. */
  json?: string;
  /** false with --no-write. A --quick run writes only when --json is given. */
  write: boolean;
  /** The reason the peak is not measured (--no-peak), if so. */
  noPeak?: string;
}

export type PartRunner = (ctx: RunContext) => Promise<PartResult>;

/** Where the files go: beside --json FILE, else results/<name>-<date>; undefined when nothing is written. */
export function outputBase(o: Pick<RunOptions, 'name' | 'quick' | 'json' | 'write'>, started: Date, resultsDir = RESULTS_DIR): string | undefined {
  if (!o.write) return undefined;
  if (o.json) return o.json.replace(/\.json$/i, '');
  return o.quick ? undefined : path.join(resultsDir, `${o.name}-${stamp(started)}`);
}

async function torchDetail(pool: TorchPool): Promise<RunRecord['torch']> {
  const pending = pool.startedOn(os.availableParallelism()) ?? pool.startedOn(1);
  if (!pending) return { available: false, detail: 'not used in this run' };
  const started = await pending;
  if ('unavailable' in started) return { available: false, detail: `skipped: ${started.unavailable}` };
  const { info } = started.child;
  return { available: true, detail: describeTorch(info), config: info.config, parallel: info.parallel };
}

export async function runBench(o: RunOptions, parts: readonly [PartName, PartRunner][]): Promise<void> {
  const started = new Date();
  const progress = createProgress();
  const ctx: RunContext = {
    quick: o.quick,
    progress,
    torch: new TorchPool(),
    peak: new PeakSource(ACT_SHAPE.reduce((a, b) => a * b, 1), (line) => progress.log(line), o.quick ? 1 : 5, o.noPeak),
  };
  const info = machineInfo();
  const results: PartResult[] = [];
  try {
    for (const [name, runner] of parts) {
      const t0 = performance.now();
      const r = await runner(ctx);
      results.push(r);
      progress.log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    progress.stop();
    const record: RunRecord = {
      benchmark: '@batchwise/bench',
      command: o.command,
      quick: o.quick,
      started: started.toISOString(),
      finished: new Date().toISOString(),
      machine: { ...info, loadAverageEnd: os.loadavg()[0] },
      peak: { best: ctx.peak.best, runs: ctx.peak.runs, error: ctx.peak.error },
      torch: await torchDetail(ctx.torch),
      parts: Object.fromEntries(results.map((r) => [r.part, { markdown: r.markdown, data: r.data, charts: r.charts.map((c) => c.id) }])),
    };
    console.log([runHeader(record), '', ...results.flatMap((r) => [`## ${PART_TITLES[r.part]}`, '', r.markdown, ''])].join('\n'));
    const base = outputBase(o, started);
    if (base) {
      const files = await writeRun(base, record, results);
      process.stderr.write(`wrote ${files.join(', ')}\n`);
    }
  } finally {
    progress.stop();
    await ctx.torch.close();
    await ctx.peak.dispose();
  }
}

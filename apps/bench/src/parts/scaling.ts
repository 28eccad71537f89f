import os from 'node:os';
import { switchThreads } from '../contenders/batchwise.js';
import { loadOurBackend, OUR_BACKENDS } from '../contenders/ours.js';
import { measureInterleaved, MEASURE_DEFAULTS, SMOKE, type Entry } from '../measure.js';
import { scalingChart } from '../report/charts.js';
import type { PartResult, RunContext } from '../run/context.js';
import { fitExponent, type PowerFit } from '../scaling/fit.js';
import { scalingPoints, scalingRunner, type ScalingPoint } from '../scaling/cases.js';
import { speedup } from '../stats.js';
import { formatNumber, formatRatio, formatTable } from '../table.js';

/*
 * `bench scaling`: conv2d and batch norm on our threaded backends (native,
 * and wasm when present) at 1 thread and at all, against batch size and image
 * size, with the fitted exponent of each kernel's time against its work.
 */

interface Runner {
  id: string;
  backend: string;
  threads: number;
}

export interface ScalingMeasurement extends ScalingPoint {
  contender: string;
  threads: number;
  medianMs?: number;
  error?: string;
}

export async function runScalingPart(ctx: RunContext): Promise<PartResult> {
  const all = os.availableParallelism();
  const counts = all > 1 ? [1, all] : [1];
  const runners: (Runner & { run: (p: ScalingPoint) => () => void; before: () => Promise<void> })[] = [];
  const skipped: string[] = [];
  for (const b of OUR_BACKENDS.filter((x) => x.threaded)) {
    const loaded = await loadOurBackend(b.name);
    if (!loaded.backend || !loaded.native) {
      skipped.push(`- ${b.name}: ${loaded.reason ?? 'no thread controls'}`);
      continue;
    }
    const { backend, native } = loaded;
    for (const threads of counts) {
      runners.push({ id: `${b.name}-${threads}t`, backend: b.name, threads, run: (p) => scalingRunner(backend, p), before: () => switchThreads(native, threads) });
    }
  }
  const points = scalingPoints(ctx.quick);
  ctx.progress.begin('scaling', points.length);
  const measured: ScalingMeasurement[] = [];
  for (const p of points) {
    const entries: Entry[] = runners.map((r) => ({ id: r.id, prepared: { before: r.before, run: r.run(p) }, maxRuns: Number.POSITIVE_INFINITY }));
    const outcomes = await measureInterleaved(entries, ctx.quick ? SMOKE : MEASURE_DEFAULTS);
    for (const r of runners) {
      const o = outcomes.get(r.id)!;
      measured.push({ ...p, contender: r.id, threads: r.threads, ...('error' in o ? { error: o.error } : { medianMs: o.medianMs }) });
    }
    ctx.progress.tick(`${p.kernel} ${p.sweep} batch ${p.batch} ${p.size}x${p.size}`);
  }

  const fits: { kernel: string; sweep: string; contender: string; fit?: PowerFit }[] = [];
  for (const kernel of ['conv2d', 'batchNorm'] as const) {
    for (const sweep of ['batch', 'image'] as const) {
      for (const r of runners) {
        const pts = measured.filter((m) => m.kernel === kernel && m.sweep === sweep && m.contender === r.id && m.medianMs !== undefined);
        const fit = fitExponent(pts.map((m) => m.work), pts.map((m) => m.medianMs!));
        fits.push({ kernel, sweep, contender: r.id, ...(fit ? { fit } : {}) });
      }
    }
  }
  const label = (p: ScalingPoint) => `${p.kernel === 'conv2d' ? 'conv2d 3x3 32->64' : 'batchNorm fwd+bwd, 32 ch'}`;
  const rows = points.map((p) => {
    const at = (id: string) => measured.find((m) => m.contender === id && m.kernel === p.kernel && m.sweep === p.sweep && m.batch === p.batch && m.size === p.size)?.medianMs;
    return [
      label(p), `[${p.batch},${p.size},${p.size},*]`, formatNumber(p.work),
      ...runners.map((r) => formatNumber(at(r.id))),
      ...OUR_BACKENDS.filter((b) => runners.some((r) => r.backend === b.name && r.threads === all) && all > 1).map((b) => formatRatio(speedup(at(`${b.name}-${all}t`), at(`${b.name}-1t`)))),
    ];
  });
  const speedCols = OUR_BACKENDS.filter((b) => runners.some((r) => r.backend === b.name && r.threads === all) && all > 1).map((b) => `${b.name} ${all}t / 1t`);
  const fitRows = fits.map((f) => [f.kernel, f.sweep === 'batch' ? 'batch size' : 'image size', f.contender, f.fit ? f.fit.exponent.toFixed(3) : '-', f.fit ? f.fit.r2.toFixed(4) : '-']);
  const markdown = [
    'Median ms per call; work is FLOPs (conv2d) or elements (batch norm); NHWC.',
    '',
    formatTable(['kernel', 'shape', 'work', ...runners.map((r) => `${r.id} ms`), ...speedCols], rows, ['left', 'left']),
    '',
    '### Fitted exponent: time ∝ work^k (log-log least squares)',
    '',
    formatTable(['kernel', 'against', 'contender', 'k', 'R²'], fitRows, ['left', 'left', 'left']),
    ...(skipped.length > 0 ? ['', 'Not measured:', ...skipped] : []),
  ].join('\n');
  const chartPoints = measured.flatMap((m) => (m.medianMs === undefined ? [] : [{ kernel: label(m), sweep: m.sweep === 'batch' ? 'against batch size' : 'against image size', threads: m.contender, work: m.work, ms: m.medianMs }]));
  return { part: 'scaling', markdown, data: { measurements: measured, fits }, charts: [scalingChart(chartPoints)] };
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineInfo } from '../machine/info.js';
import type { Peak } from '../machine/peak.js';
import { chartToSvg } from '../report/svg.js';
import { renderHtml } from '../report/html.js';
import { clockName } from '../measure.js';
import { renderWasmPeak } from '../report/render.js';
import { formatNumber } from '../table.js';
import type { PartName, PartResult } from './context.js';

/*
 * A run's files, side by side: <base>.json (every figure, the machine, the
 * peak, the peers' configurations), <base>.md (the printed tables),
 * <base>.html (the report with its charts) and <base>-<chart>.svg per chart.
 */

export interface RunRecord {
  benchmark: '@batchwise/bench';
  /** How to repeat the run, e.g. `pnpm bench models --quick`. */
  command: string;
  quick: boolean;
  started: string;
  finished: string;
  machine: MachineInfo & { loadAverageEnd: number };
  peak: { best?: Peak; runs: readonly Peak[]; error?: string };
  /** PyTorch as the children reported it, or why it did not run. */
  torch: { available: boolean; detail: string; config?: string; parallel?: string };
  parts: Partial<Record<PartName, { markdown: string; data: Record<string, unknown>; charts: string[] }>>;
}

export const PART_TITLES: Record<PartName, string> = {
  kernels: 'Kernels',
  models: 'Models',
  'time-to-accuracy': 'Time to accuracy',
  scaling: 'Scaling',
  memory: 'Memory',
};

/** The lines printed above every part: command, machine, load, peak, PyTorch. */
export function runHeader(r: Pick<RunRecord, 'command' | 'quick' | 'machine' | 'peak' | 'torch'>): string {
  const m = r.machine;
  const p = r.peak.best;
  return [
    ...(r.quick ? ['**--quick: a smoke run (one timed call per cell, reduced workloads); its figures are not measurements.**', ''] : []),
    `Command: \`${r.command}\``,
    '',
    `- CPU: ${m.cpu} (${m.hardwareThreads} hardware threads; ISA ${m.isa.join(', ') || 'unknown'}), ${m.platform}, Node ${m.node}`,
    `- Load average (1 min): ${m.loadAverage.toFixed(2)} at start, ${m.loadAverageEnd.toFixed(2)} at end (other processes share the ${m.hardwareThreads} hardware threads when this nears or exceeds it)`,
    p
      ? `- Peak FMA float32 (1 / ${p.threads} threads): ${formatNumber(p.fma.one)} / ${formatNumber(p.fma.all)} GFLOP/s; triad DRAM ${formatNumber(p.dram.one)} / ${formatNumber(p.dram.all)} GB/s (best of ${r.peak.runs.length} probe runs)`
      : `- Peak: not measured (${r.peak.error ?? 'skipped'})`,
    ...(p?.wasmSimd128 ? [`- ${renderWasmPeak(p)}`] : []),
    `- PyTorch: ${r.torch.detail}`,
    `- Clock: ${clockName}`,
  ].join('\n');
}

/** The Markdown of a whole run: header, then each part under its title. */
export function runMarkdown(r: RunRecord, parts: readonly PartResult[]): string {
  return [`# batchwise bench, ${r.started}`, '', runHeader(r), '', ...parts.flatMap((p) => [`## ${PART_TITLES[p.part]}`, '', p.markdown, ''])].join('\n');
}

/** Writes the run's files next to `base` (a path without extension); returns their paths. */
export async function writeRun(base: string, record: RunRecord, parts: readonly PartResult[]): Promise<string[]> {
  await mkdir(path.dirname(base), { recursive: true });
  const files: string[] = [];
  const sections = [];
  for (const p of parts) {
    const charts = [];
    for (const c of p.charts) {
      const svg = await chartToSvg(c);
      const file = `${base}-${c.id}.svg`;
      await writeFile(file, svg);
      files.push(file);
      charts.push({ title: c.title, svg });
    }
    sections.push({ title: PART_TITLES[p.part], charts, markdown: p.markdown });
  }
  const write = async (ext: string, text: string) => {
    await writeFile(`${base}${ext}`, text);
    files.unshift(`${base}${ext}`);
  };
  await write('.html', renderHtml(`batchwise bench, ${record.started}`, runHeader(record), sections));
  await write('.md', runMarkdown(record, parts) + '\n');
  await write('.json', JSON.stringify(record, null, 2) + '\n');
  return files;
}

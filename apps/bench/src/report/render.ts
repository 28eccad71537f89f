import os from 'node:os';
import type { MachineInfo } from '../machine/info.js';
import type { Peak } from '../machine/peak.js';
import { formatNumber, formatPercent, formatRatio, formatTable } from '../table.js';
import type { Contender, KernelResult } from '../types.js';
import { median } from '@batchwise/stats';
import { derive, rate, rateUnit, type Derived } from './derive.js';
import { evaluateTargets, type TargetCheck } from './targets.js';
import { clockName } from '../measure.js';

/*
 * The printed report: machine and peak, one table of times and rates, one of
 * ratios and peak fractions, the targets, and the notes (why a contender did
 * not run a kernel).
 */

export interface ContenderSummary {
  id: string;
  label: string;
  threads: number;
  available: boolean;
  detail?: string;
  reason?: string;
}

export function summarizeContender(c: Contender): ContenderSummary {
  return { id: c.id, label: c.label, threads: c.threads, ...c.status };
}

export function renderMachine(info: MachineInfo, versions: Record<string, string>, peak: Peak | undefined, peakError?: string): string {
  const lines = [
    `CPU: ${info.cpu} (${info.hardwareThreads} hardware threads; ISA ${info.isa.join(', ') || 'unknown'}), ${info.platform}, Node ${info.node}`,
    `Load average (1 min) at start: ${info.loadAverage.toFixed(2)}, at end: ${os.loadavg()[0].toFixed(2)} (other processes share the ${info.hardwareThreads} hardware threads when this nears or exceeds it)`,
    `Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `Clock: ${clockName}`,
  ];
  if (peak) {
    const isa = peak.fmaByIsa.avx512
      ? `AVX2 ${formatNumber(peak.fmaByIsa.avx2.one)} / ${formatNumber(peak.fmaByIsa.avx2.all)}, AVX-512 ${formatNumber(peak.fmaByIsa.avx512.one)} / ${formatNumber(peak.fmaByIsa.avx512.all)}`
      : `AVX2 ${formatNumber(peak.fmaByIsa.avx2.one)} / ${formatNumber(peak.fmaByIsa.avx2.all)}`;
    lines.push(
      `Peak FMA float32 (1 core / ${peak.threads} cores): ${formatNumber(peak.fma.one)} / ${formatNumber(peak.fma.all)} GFLOP/s (${isa})`,
      `Triad bandwidth (1 / ${peak.threads} threads): DRAM ${formatNumber(peak.dram.one)} / ${formatNumber(peak.dram.all)} GB/s (3 x ${peak.dram.bytesPerArray / 2 ** 20} MiB); ` +
        `in cache ${formatNumber(peak.cache.one)} / ${formatNumber(peak.cache.all)} GB/s (3 x ${(peak.cache.bytesPerArray / 1e6).toFixed(1)} MB)`,
    );
    if (peak.wasmSimd128) lines.push(renderWasmPeak(peak));
  } else {
    lines.push(`Peak: not measured (${peakError ?? 'skipped'})`);
  }
  return lines.join('\n');
}

/** The wasm SIMD128 mul+add peak and native's FMA peak over it (what caps wasm's share of native on arithmetic). */
export function renderWasmPeak(peak: Peak): string {
  const w = peak.wasmSimd128;
  if (!w) return 'Peak wasm SIMD128 mul+add: not measured';
  const ratio = (native: number, wasm: number) => (wasm > 0 ? `${(native / wasm).toFixed(1)}x` : 'n/a');
  return (
    `Peak wasm SIMD128 mul+add float32 in V8 (1 / ${peak.threads} threads): ${formatNumber(w.one)} / ${formatNumber(w.all)} GFLOP/s; ` +
    `native FMA peak over it: ${ratio(peak.fma.one, w.one)} / ${ratio(peak.fma.all, w.all)}`
  );
}

/** Time (ms) and rate of every contender on every kernel. */
export function renderTimes(results: readonly KernelResult[], contenders: readonly ContenderSummary[]): string {
  const headers = ['kernel', 'shape', 'unit', ...contenders.map((c) => `${c.label} ms (rate)`)];
  const rows = results.map((r) => [
    r.kernel.label,
    r.kernel.shape,
    rateUnit(r.kernel),
    ...contenders.map((c) => {
      const m = r.measurements.find((x) => x.contender === c.id);
      if (!m || !('sample' in m)) return 'n/a';
      const ms = m.sample.medianMs;
      return `${formatNumber(ms)} (${formatNumber(rate(r.kernel, ms))})${m.note ? '*' : ''}`;
    }),
  ]);
  return formatTable(headers, rows, ['left', 'left', 'left']);
}

/** Ratios ours/peer (how many times faster native is) and fractions of the measured peak. */
export function renderRatios(derived: readonly Derived[]): string {
  const headers = [
    'kernel',
    'vs cpu',
    'vs tfjs-wasm',
    'vs tfjs-cpu',
    '1t vs ort 1t',
    '2t vs ort 2t',
    '2t / 1t',
    '% FMA peak 1 core',
    '% FMA peak all',
    '% triad BW (cache / DRAM)',
  ];
  const rows = derived.map((d) => [
    d.kernel.label,
    formatRatio(d.vsCpu),
    formatRatio(d.vsTfjsWasm),
    formatRatio(d.vsTfjsCpu),
    formatRatio(d.vsOrt1),
    formatRatio(d.vsOrt2),
    formatRatio(d.scaling),
    formatPercent(d.peakOne),
    formatPercent(d.peakAll),
    d.bandwidthCache === undefined ? '-' : `${formatPercent(d.bandwidthCache)} / ${formatPercent(d.bandwidthDram)}`,
  ]);
  return formatTable(headers, rows);
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  return formatTable(['target', 'measured', 'status'], checks.map((c) => [c.target, c.measured, c.status]), ['left', 'left', 'left']);
}

/** Unavailable contenders and kernels, and footnotes, one line each. */
export function renderNotes(results: readonly KernelResult[], contenders: readonly ContenderSummary[]): string {
  const lines: string[] = [];
  for (const c of contenders) {
    lines.push(c.available ? `- ${c.label}: ${c.detail ?? 'available'}` : `- ${c.label}: unavailable: ${c.reason ?? 'unknown reason'}`);
  }
  const seen = new Set<string>();
  for (const r of results) {
    for (const m of r.measurements) {
      const c = contenders.find((x) => x.id === m.contender);
      if (!c?.available) continue;
      const text = 'unavailable' in m ? `n/a: ${m.unavailable}` : m.note ? `*: ${m.note}` : undefined;
      const key = `${m.contender}|${r.kernel.id}|${text}`;
      if (text && !seen.has(key)) {
        seen.add(key);
        lines.push(`- ${c.label} ${r.kernel.label}: ${text}`);
      }
    }
  }
  return lines.join('\n');
}

/** One line on run-to-run noise: the interquartile range over the median of every timing. */
export function renderNoise(results: readonly KernelResult[], contenders: readonly ContenderSummary[]): string {
  const spreads: { value: number; where: string }[] = [];
  for (const r of results) {
    for (const m of r.measurements) {
      if (!('sample' in m)) continue;
      const label = contenders.find((c) => c.id === m.contender)?.label ?? m.contender;
      spreads.push({ value: m.sample.relativeSpread, where: `${label} ${r.kernel.label}` });
    }
  }
  if (spreads.length === 0) return 'Noise: no timings.';
  const worst = spreads.reduce((w, s) => (s.value >= w.value ? s : w), spreads[0]);
  return `Noise (interquartile range / median of each timing): median ${formatPercent(median(spreads.map((s) => s.value)))}, worst ${formatPercent(worst.value)} (${worst.where}), over ${spreads.length} timings.`;
}

export interface Report {
  text: string;
  derived: Derived[];
  targets: TargetCheck[];
}

export function renderReport(
  info: MachineInfo,
  versions: Record<string, string>,
  peak: Peak | undefined,
  peakError: string | undefined,
  results: readonly KernelResult[],
  contenders: readonly ContenderSummary[],
  extra: string[] = [],
): Report {
  const derived = results.map((r) => derive(r, peak));
  const targets = evaluateTargets(derived);
  const text = [
    renderMachine(info, versions, peak, peakError),
    '',
    '### Median time in ms (rate: GFLOP/s or GB/s)',
    '',
    renderTimes(results, contenders),
    '',
    renderNoise(results, contenders),
    '',
    '### Ratios: native is N times faster (native 2 threads unless the column says 1t), and share of the measured peak',
    '',
    renderRatios(derived),
    '',
    '### Targets (issue 4)',
    '',
    renderTargets(targets),
    '',
    ...extra,
    '### Contenders and notes',
    '',
    renderNotes(results, contenders),
  ].join('\n');
  return { text, derived, targets };
}

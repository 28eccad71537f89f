import type { Peak } from '../machine/peak.js';
import { speedup, type Sample } from '../stats.js';
import { formatNumber, formatPercent, formatRatio, formatTable } from '../table.js';
import { caseFlops, modelFlops } from './flops.js';
import { MODEL_SPECS, type ModelCase } from './specs.js';

/*
 * The model benchmark's figures and tables: images/s, GFLOP/s and share of
 * the measured FMA peak for every cell, and ours-versus-peer ratios at the
 * same thread count.
 */

export type Cell = { sample: Sample; note?: string } | { unavailable: string };

/** A column of the tables: a contender and the threads it runs on (for its share of peak). */
export interface ColumnInfo {
  id: string;
  label: string;
  threads: number;
}

export interface ModelFigure {
  case: string;
  contender: string;
  medianMs: number;
  imagesPerSecond: number;
  gflopsPerSecond: number;
  /** GFLOP/s over the FMA peak at the contender's thread count. */
  peakShare?: number;
  /** A WebAssembly contender's GFLOP/s over the wasm SIMD128 mul+add peak at its thread count. */
  wasmPeakShare?: number;
}

export type ModelTable = Map<string, Map<string, Cell>>;

export function modelFigures(cases: readonly ModelCase[], columns: readonly ColumnInfo[], table: ModelTable, peak: Peak | undefined): ModelFigure[] {
  const out: ModelFigure[] = [];
  for (const c of cases) {
    for (const k of columns) {
      const cell = table.get(c.id)?.get(k.id);
      if (!cell || !('sample' in cell)) continue;
      const ms = cell.sample.medianMs;
      const imagesPerSecond = (c.batch / ms) * 1000;
      const gflopsPerSecond = (imagesPerSecond * caseFlops(c.spec, c.mode)) / 1e9;
      const atThreads = (v: { one: number; all: number } | undefined) =>
        v === undefined ? undefined : k.threads === 1 ? v.one : peak && k.threads >= peak.threads ? v.all : undefined;
      const p = atThreads(peak?.fma);
      const w = isWasm(k.id) ? atThreads(peak?.wasmSimd128) : undefined;
      out.push({
        case: c.id, contender: k.id, medianMs: ms, imagesPerSecond, gflopsPerSecond,
        ...(p ? { peakShare: gflopsPerSecond / p } : {}),
        ...(w ? { wasmPeakShare: gflopsPerSecond / w } : {}),
      });
    }
  }
  return out;
}

/** Contenders that run WebAssembly (batchwise's wasm backend, tfjs-wasm): their arithmetic ceiling is the SIMD128 peak. */
export function isWasm(id: string): boolean {
  return id.startsWith('batchwise-wasm-') || id === 'tfjs-wasm';
}

export function renderFlops(): string {
  const rows = MODEL_SPECS.map((s) => {
    const f = modelFlops(s);
    return [s.label, formatNumber(f.forward / 1e6), formatNumber(f.backward / 1e6), formatNumber(f.train / 1e6)];
  });
  return formatTable(['model', 'forward MFLOP/image', 'backward MFLOP/image', 'train step MFLOP/image'], rows);
}

function ms(table: ModelTable, caseId: string, id: string): number | undefined {
  const cell = table.get(caseId)?.get(id);
  return cell && 'sample' in cell ? cell.sample.medianMs : undefined;
}

/** Median ms (images/s) of every contender that ran at least one cell. */
export function renderTimes(cases: readonly ModelCase[], columns: readonly ColumnInfo[], table: ModelTable): string {
  const headers = ['model', 'step', 'batch', ...columns.map((k) => `${k.label} ms (img/s)`)];
  const rows = cases.map((c) => [
    c.spec.label,
    c.mode,
    String(c.batch),
    ...columns.map((k) => {
      const m = ms(table, c.id, k.id);
      return m === undefined ? 'n/a' : `${formatNumber(m)} (${formatNumber((c.batch / m) * 1000)})`;
    }),
  ]);
  return formatTable(headers, rows, ['left', 'left']);
}

/** Ids of the contenders the ratio table compares, for `threads` = all hardware threads. */
export function ratioIds(threads: number) {
  return {
    nativeAll: `batchwise-native-${threads}t`,
    native1: 'batchwise-native-1t',
    wasmAll: `batchwise-wasm-${threads}t`,
    wasm1: 'batchwise-wasm-1t',
    torchAll: `torch-${threads}t`,
    torch1: 'torch-1t',
    ortAll: `ort-${threads}t`,
    ort1: 'ort-1t',
    tfjsWasm: 'tfjs-wasm',
    cpu: 'batchwise-cpu',
  };
}

/** Ours over each peer at the same thread count (peer time / our time), shares of the FMA peak, and wasm's of the SIMD128 one. */
export function renderRatios(cases: readonly ModelCase[], table: ModelTable, figures: readonly ModelFigure[], threads: number): string {
  const id = ratioIds(threads);
  const figure = (caseId: string, contender: string) => figures.find((f) => f.case === caseId && f.contender === contender);
  const share = (caseId: string, contender: string) => figure(caseId, contender)?.peakShare;
  const wasmShare = (caseId: string, contender: string) => figure(caseId, contender)?.wasmPeakShare;
  const headers = [
    'model', 'step', 'batch',
    `native ${threads}t vs PyTorch ${threads}t`, 'native 1t vs PyTorch 1t',
    `native ${threads}t vs ort ${threads}t`, 'native 1t vs ort 1t',
    `native ${threads}t vs tfjs-wasm`, `native ${threads}t vs batchwise cpu`,
    `native ${threads}t % FMA peak`, 'native 1t % FMA peak', `PyTorch ${threads}t % FMA peak`,
    `wasm ${threads}t vs tfjs-wasm`, 'wasm 1t vs tfjs-wasm', `wasm ${threads}t % of native ${threads}t`, 'wasm 1t % of native 1t',
    `wasm ${threads}t % SIMD128 peak`, 'wasm 1t % SIMD128 peak',
  ];
  const rows = cases.map((c) => {
    const r = (ours: string, peer: string) => formatRatio(speedup(ms(table, c.id, ours), ms(table, c.id, peer)));
    return [
      c.spec.label, c.mode, String(c.batch),
      r(id.nativeAll, id.torchAll), r(id.native1, id.torch1),
      r(id.nativeAll, id.ortAll), r(id.native1, id.ort1),
      r(id.nativeAll, id.tfjsWasm), r(id.nativeAll, id.cpu),
      formatPercent(share(c.id, id.nativeAll)), formatPercent(share(c.id, id.native1)), formatPercent(share(c.id, id.torchAll)),
      r(id.wasmAll, id.tfjsWasm), r(id.wasm1, id.tfjsWasm),
      formatPercent(speedup(ms(table, c.id, id.wasmAll), ms(table, c.id, id.nativeAll))),
      formatPercent(speedup(ms(table, c.id, id.wasm1), ms(table, c.id, id.native1))),
      formatPercent(wasmShare(c.id, id.wasmAll)), formatPercent(wasmShare(c.id, id.wasm1)),
    ];
  });
  return formatTable(headers, rows, ['left', 'left']);
}

/** One line per contender that did not run a cell, and per note (output checks). */
export function renderNotes(cases: readonly ModelCase[], columns: readonly ColumnInfo[], table: ModelTable): string[] {
  const lines: string[] = [];
  for (const k of columns) {
    const seen = new Map<string, string[]>();
    for (const c of cases) {
      const cell = table.get(c.id)?.get(k.id);
      if (!cell) continue;
      const text = 'unavailable' in cell ? `n/a: ${cell.unavailable}` : cell.note;
      if (!text) continue;
      const where = `${c.spec.label} ${c.mode}${c.mode === 'predict' ? ` ${c.batch}` : ''}`;
      seen.set(text, [...(seen.get(text) ?? []), where]);
    }
    for (const [text, where] of seen) lines.push(`- ${k.label} (${where.length === cases.length ? 'every cell' : where.join('; ')}): ${text}`);
  }
  return lines;
}

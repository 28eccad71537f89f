import type { Backend, BackendInfo } from '@batchwise/core';
import type { CaseResult } from './cases/types.js';
import { checkReferenceGradients } from './gradient-check.js';
import { ONNX_NOT_FOUND } from './onnx/cases.js';
import { runConformance, type ConformanceOptions, type ConformanceReport } from './runner.js';

/*
 * The kernel x backend matrix: every available backend runs the suite; an
 * unavailable one is shown with its reason instead of being dropped.
 */

/** A backend to put in the matrix: an instance, a factory, or the reason it is unavailable. */
export interface MatrixEntry {
  name: string;
  backend?: Backend;
  create?: () => Backend | Promise<Backend>;
  /** Why the backend cannot run (e.g. its addon failed to load). */
  unavailable?: string;
}

export interface MatrixColumn {
  name: string;
  available: boolean;
  reason?: string;
  info?: BackendInfo;
  report?: ConformanceReport;
}

export interface MatrixResult {
  columns: MatrixColumn[];
  /** Row names: every kernel with a case, core's order first, then the ONNX rows. */
  kernels: string[];
  /** The references' own backward passes against finite differences (backend-independent). */
  referenceGradients: CaseResult[];
  /** No case failed on any available backend and every reference gradient check passed. */
  pass: boolean;
}

async function resolve(entry: MatrixEntry): Promise<MatrixColumn & { backend?: Backend }> {
  if (entry.unavailable !== undefined) return { name: entry.name, available: false, reason: entry.unavailable };
  try {
    const backend = entry.backend ?? (await entry.create!());
    return { name: entry.name, available: true, backend, info: backend.info() };
  } catch (e) {
    return { name: entry.name, available: false, reason: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** Runs the suite on every available backend, in order. */
export async function runMatrix(entries: readonly MatrixEntry[], options: ConformanceOptions = {}): Promise<MatrixResult> {
  const columns: MatrixColumn[] = [];
  for (const entry of entries) {
    const { backend, ...column } = await resolve(entry);
    if (backend) column.report = runConformance(backend, options);
    columns.push(column);
  }
  const kernels: string[] = [];
  for (const c of columns) for (const k of Object.keys(c.report?.kernels ?? {})) if (!kernels.includes(k)) kernels.push(k);
  const referenceGradients = checkReferenceGradients();
  const pass = columns.every((c) => !c.report || c.report.pass) && referenceGradients.every((r) => r.pass);
  return { columns, kernels, referenceGradients, pass };
}

/** The JSON form: `{ backends: { <name>: { <kernel>: { pass, maxError, cases } } } }`, plus unavailable backends with reasons. */
export function matrixToJson(m: MatrixResult): {
  backends: Record<string, Record<string, { pass: boolean; maxError: number | null; cases: number }>>;
  unavailable: Record<string, string>;
  referenceGradients: { pass: boolean; checks: number };
  pass: boolean;
} {
  const backends: Record<string, Record<string, { pass: boolean; maxError: number | null; cases: number }>> = {};
  const unavailable: Record<string, string> = {};
  for (const c of m.columns) {
    if (!c.report) {
      unavailable[c.name] = c.reason ?? 'unavailable';
      continue;
    }
    backends[c.name] = Object.fromEntries(
      Object.entries(c.report.kernels).map(([k, s]) => [k, { pass: s.pass, maxError: Number.isFinite(s.maxError) ? s.maxError : null, cases: s.cases }]),
    );
  }
  return {
    backends, unavailable, pass: m.pass,
    referenceGradients: { pass: m.referenceGradients.every((r) => r.pass), checks: m.referenceGradients.length },
  };
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

function cell(c: MatrixColumn, kernel: string): string {
  if (!c.report) return 'unavailable';
  const s = c.report.kernels[kernel];
  if (!s) return '-';
  const err = s.maxError === 0 ? '0' : s.maxError.toExponential(1);
  if (s.cases === 0 && s.skipped > 0) return `skipped ${s.skipped}`;
  const skipped = s.skipped > 0 ? ` (+${s.skipped} skipped)` : '';
  return s.pass ? `pass ${s.cases}${skipped} err ${err}` : `FAIL ${s.failed}/${s.cases} err ${err}`;
}

/** Failure lines shown under the table (the first `limit`). */
export const MATRIX_FAILURE_LIMIT = 30;

/** `, 24 ONNX vectors skipped (not expressible)`, or the reason when the vectors were not found at all. */
function skipSummary(results: readonly CaseResult[]): string {
  const skipped = results.filter((r) => r.skipped);
  const absent = skipped.find((r) => r.skipped!.startsWith(ONNX_NOT_FOUND));
  const inexpressible = skipped.length - skipped.filter((r) => r.skipped!.startsWith(ONNX_NOT_FOUND)).length;
  return (
    (inexpressible > 0 ? `, ${inexpressible} ONNX vectors skipped (not expressible)` : '') +
    (absent ? `, ONNX vectors skipped: ${absent.skipped}` : '')
  );
}

/** A plain-text table, kernel rows x backend columns, then failures and unavailable backends. */
export function formatMatrix(m: MatrixResult): string {
  const header = ['kernel', ...m.columns.map((c) => c.name)];
  const rows = m.kernels.map((k) => [k, ...m.columns.map((c) => cell(c, k))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => pad(v, widths[i])).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  for (const c of m.columns) {
    if (!c.report) {
      out.push(`${c.name}: unavailable (${c.reason})`);
      continue;
    }
    const ran = c.report.results.filter((r) => !r.skipped);
    const failed = ran.filter((r) => !r.pass);
    const info = c.info ? ` [threads ${c.info.threads}, simd ${c.info.simd}]` : '';
    out.push(`${c.name}${info}: ${ran.length - failed.length}/${ran.length} cases pass${skipSummary(c.report.results)}`);
    for (const f of failed.slice(0, MATRIX_FAILURE_LIMIT)) out.push(`  FAIL ${f.message ?? `${f.kernel} '${f.case}'`}`);
    if (failed.length > MATRIX_FAILURE_LIMIT) out.push(`  ... and ${failed.length - MATRIX_FAILURE_LIMIT} more`);
  }
  const grads = m.referenceGradients;
  out.push(`reference gradients vs finite differences: ${grads.filter((g) => g.pass).length}/${grads.length} pass`);
  for (const g of grads.filter((r) => !r.pass)) out.push(`  FAIL ${g.message}`);
  out.push(m.pass ? 'conformance: PASS' : 'conformance: FAIL');
  return out.join('\n');
}

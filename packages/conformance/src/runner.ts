import { KERNEL_NAMES, type Backend } from '@batchwise/core';
import { invalidCases, kernelCases, type CaseGroup, type CaseResult, type ConformanceCase } from './cases/index.js';
import { onnxCases, onnxCasesFrom } from './onnx/cases.js';
import type { VectorBytes } from './onnx/vector-bytes.js';

/** Options of `runConformance`; by default every case of every group runs. */
export interface ConformanceOptions {
  /** Only cases of these kernels (core kernel names, or `onnx:<Op>`). Default: all. */
  kernels?: readonly string[];
  /** Only these groups. Default: kernel, invalid and onnx. */
  groups?: readonly CaseGroup[];
  /** The ONNX test-vector folder; default: BATCHWISE_ONNX_TESTS, else `shared/onnx-node-tests` found upward. */
  onnxDir?: string;
  /** The ONNX vectors' bytes by test name, for a runtime without a file system (a web page fetches them); replaces onnxDir. */
  onnxVectors?: ReadonlyMap<string, VectorBytes>;
}

export const DEFAULT_GROUPS: readonly CaseGroup[] = ['kernel', 'invalid', 'onnx'];

/** What one kernel row of the results says. */
export interface KernelSummary {
  pass: boolean;
  /** Largest error over its comparison cases. */
  maxError: number;
  /** Cases run (skipped ones excluded). */
  cases: number;
  failed: number;
  skipped: number;
}

export interface ConformanceReport {
  backend: string;
  pass: boolean;
  results: CaseResult[];
  /** Per kernel (core's KERNEL_NAMES first, then the `onnx:<Op>` rows). */
  kernels: Record<string, KernelSummary>;
}

/** The suite's cases, filtered by options; the same list for every backend. */
export function conformanceCases(options: ConformanceOptions = {}): ConformanceCase[] {
  const groups = options.groups ?? DEFAULT_GROUPS;
  const all: ConformanceCase[] = [
    ...(groups.includes('kernel') ? kernelCases() : []),
    ...(groups.includes('invalid') ? invalidCases() : []),
    ...(groups.includes('onnx') ? (options.onnxVectors ? onnxCasesFrom(options.onnxVectors) : onnxCases(options.onnxDir)) : []),
  ];
  return options.kernels ? all.filter((c) => options.kernels!.includes(c.kernel)) : all;
}

/** Runs one case, turning anything it throws into a failure that names the case. */
export function runCase(c: ConformanceCase, run: () => ReturnType<ConformanceCase['check']>): CaseResult {
  try {
    return { kernel: c.kernel, case: c.name, seed: c.seed, group: c.group, ...run() };
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      kernel: c.kernel, case: c.name, seed: c.seed, group: c.group, pass: false, maxError: Infinity,
      message: `${c.kernel} '${c.name}' (seed ${c.seed}): the case itself threw ${why}`,
    };
  }
}

/** Per-kernel rows from case results: a kernel passes when every case that ran passed. */
export function summarize(results: readonly CaseResult[]): Record<string, KernelSummary> {
  const rows: Record<string, KernelSummary> = {};
  const order = [...KERNEL_NAMES, ...[...new Set(results.map((r) => r.kernel))].filter((k) => !(KERNEL_NAMES as readonly string[]).includes(k))];
  for (const k of order) {
    const mine = results.filter((r) => r.kernel === k);
    if (mine.length === 0) continue;
    const ran = mine.filter((r) => !r.skipped);
    rows[k] = {
      pass: ran.every((r) => r.pass),
      maxError: ran.reduce((m, r) => Math.max(m, r.maxError), 0),
      cases: ran.length,
      failed: ran.filter((r) => !r.pass).length,
      skipped: mine.length - ran.length,
    };
  }
  return rows;
}

/**
 * Runs the whole suite on one backend and returns every case's result: a pure
 * function (no test framework), usable from programs such as the matrix tool.
 */
export function runConformance(backend: Backend, options: ConformanceOptions = {}): ConformanceReport {
  const results = conformanceCases(options).map((c) => runCase(c, () => c.check(backend)));
  return { backend: backend.name, pass: results.every((r) => r.pass || r.skipped), results, kernels: summarize(results) };
}

/** A cross-backend comparison: b against a on the same seeded inputs. */
export interface CrossReport {
  a: string;
  b: string;
  pass: boolean;
  results: CaseResult[];
  kernels: Record<string, KernelSummary>;
}

/** Reason given for cases that cannot be compared across backends. */
export const NOT_COMPARABLE = 'not comparable across backends (random masks or validation-only)';

/**
 * Runs both backends on the same random inputs of every kernel case and
 * compares their outputs with each other (twice the reference tolerance).
 */
export function compareBackends(a: Backend, b: Backend, options: Omit<ConformanceOptions, 'groups' | 'onnxDir' | 'onnxVectors'> = {}): CrossReport {
  const results = conformanceCases({ ...options, groups: ['kernel'] }).map((c) =>
    c.cross ? runCase(c, () => c.cross!(a, b)) : runCase(c, () => ({ pass: true, maxError: 0, skipped: NOT_COMPARABLE })),
  );
  return { a: a.name, b: b.name, pass: results.every((r) => r.pass || r.skipped), results, kernels: summarize(results) };
}

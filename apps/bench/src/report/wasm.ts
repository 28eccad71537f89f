import { formatPercent, formatRatio, formatTable } from '../table.js';
import { speedup } from '../stats.js';
import type { KernelId, KernelResult } from '../types.js';
import { CONTENDER_IDS, medianMs } from './derive.js';

/*
 * The WebAssembly backend's numbers (issue 17): wasm at 1 and 2 threads
 * against tfjs-wasm (XNNPACK, one thread in Node) in the same run, and as a
 * share of native's speed at the same thread count. Reported, never asserted.
 */

export interface WasmDerived {
  kernel: KernelResult['kernel'];
  /** tfjs-wasm ms / wasm ms: how many times faster wasm is. */
  vsTfjsWasm1?: number;
  vsTfjsWasm2?: number;
  /** native ms / wasm ms at the same thread count: wasm's share of native speed. */
  ofNative1?: number;
  ofNative2?: number;
  /** wasm 1t ms / wasm 2t ms. */
  scaling?: number;
}

export function deriveWasm(result: KernelResult): WasmDerived {
  const ms = (id: string) => medianMs(result, id);
  const w1 = ms(CONTENDER_IDS.wasm1);
  const w2 = ms(CONTENDER_IDS.wasm2);
  return {
    kernel: result.kernel,
    vsTfjsWasm1: speedup(w1, ms(CONTENDER_IDS.tfjsWasm)),
    vsTfjsWasm2: speedup(w2, ms(CONTENDER_IDS.tfjsWasm)),
    ofNative1: speedup(w1, ms(CONTENDER_IDS.native1)),
    ofNative2: speedup(w2, ms(CONTENDER_IDS.native2)),
    scaling: speedup(w2, w1),
  };
}

/** Thresholds of issue 17 against tfjs-wasm. */
export const WASM_TARGETS = {
  /** matMul 1024^3 and conv2d: at least as fast on one thread, 1.8x on two. */
  gemmOneThread: 1,
  gemmTwoThreads: 1.8,
  /** Batch norm and max pooling (all threads). */
  memoryBound: 3,
} as const;

export interface WasmTargetCheck {
  target: string;
  measured: string;
  status: 'met' | 'missed' | 'n/a';
}

function check(target: string, value: number | undefined, threshold: number): WasmTargetCheck {
  return {
    target,
    measured: value === undefined ? 'not measured' : formatRatio(value),
    status: value === undefined ? 'n/a' : value >= threshold ? 'met' : 'missed',
  };
}

const MEMORY_BOUND: readonly KernelId[] = ['batchNormTraining', 'batchNormTrainingBackward', 'batchNormInference', 'maxPool', 'maxPoolInference', 'maxPoolBackward'];

export function evaluateWasmTargets(rows: readonly WasmDerived[]): WasmTargetCheck[] {
  const checks: WasmTargetCheck[] = [];
  for (const id of ['matMul', 'conv2d'] as const) {
    const d = rows.find((r) => r.kernel.id === id);
    checks.push(check(`${id}: wasm 1 thread >= ${WASM_TARGETS.gemmOneThread}x tfjs-wasm`, d?.vsTfjsWasm1, WASM_TARGETS.gemmOneThread));
    checks.push(check(`${id}: wasm 2 threads >= ${WASM_TARGETS.gemmTwoThreads}x tfjs-wasm`, d?.vsTfjsWasm2, WASM_TARGETS.gemmTwoThreads));
  }
  for (const d of rows.filter((r) => MEMORY_BOUND.includes(r.kernel.id))) {
    checks.push(check(`${d.kernel.label}: wasm 2 threads >= ${WASM_TARGETS.memoryBound}x tfjs-wasm`, d.vsTfjsWasm2, WASM_TARGETS.memoryBound));
  }
  return checks;
}

export function renderWasm(rows: readonly WasmDerived[], checks: readonly WasmTargetCheck[]): string {
  const ratios = formatTable(
    ['kernel', '1t vs tfjs-wasm', '2t vs tfjs-wasm', '1t share of native 1t', '2t share of native 2t', '2t / 1t'],
    rows.map((d) => [
      d.kernel.label,
      formatRatio(d.vsTfjsWasm1),
      formatRatio(d.vsTfjsWasm2),
      formatPercent(d.ofNative1),
      formatPercent(d.ofNative2),
      formatRatio(d.scaling),
    ]),
  );
  const targets = formatTable(['target', 'measured', 'status'], checks.map((c) => [c.target, c.measured, c.status]), ['left', 'left', 'left']);
  return [
    '### wasm: N times faster than tfjs-wasm, and share of native at the same thread count',
    '',
    ratios,
    '',
    '### wasm targets (issue 17)',
    '',
    targets,
    '',
  ].join('\n');
}

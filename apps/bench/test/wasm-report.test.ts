import { describe, expect, it } from 'vitest';
import { kernelCase } from '../src/kernels/cases.js';
import { deriveWasm, evaluateWasmTargets, renderWasm } from '../src/report/wasm.js';
import { summarize } from '../src/stats.js';
import type { KernelResult } from '../src/types.js';

const sample = (ms: number) => summarize([ms, ms, ms, ms, ms]);

function result(id: Parameters<typeof kernelCase>[0], times: Record<string, number>): KernelResult {
  return { kernel: kernelCase(id), measurements: Object.entries(times).map(([contender, ms]) => ({ contender, sample: sample(ms) })) };
}

describe('wasm ratios and targets (issue 17)', () => {
  const mm = deriveWasm(result('matMul', { 'wasm-1t': 40, 'wasm-2t': 25, 'tfjs-wasm': 50, 'native-1t': 20, 'native-2t': 10 }));
  const pool = deriveWasm(result('maxPool', { 'wasm-2t': 1, 'tfjs-wasm': 2.5 }));

  it('compares wasm with tfjs-wasm at 1 and 2 threads and with native at the same count', () => {
    expect(mm.vsTfjsWasm1).toBe(1.25);
    expect(mm.vsTfjsWasm2).toBe(2);
    expect(mm.ofNative1).toBe(0.5);
    expect(mm.ofNative2).toBe(0.4);
    expect(mm.scaling).toBe(1.6);
    expect(pool.vsTfjsWasm1).toBeUndefined();
  });

  it('marks each target met, missed or not measured', () => {
    const checks = evaluateWasmTargets([mm, pool]);
    expect(checks.map((c) => [c.target, c.status])).toEqual([
      ['matMul: wasm 1 thread >= 1x tfjs-wasm', 'met'],
      ['matMul: wasm 2 threads >= 1.8x tfjs-wasm', 'met'],
      ['conv2d: wasm 1 thread >= 1x tfjs-wasm', 'n/a'],
      ['conv2d: wasm 2 threads >= 1.8x tfjs-wasm', 'n/a'],
      ['maxPool 2x2: wasm 2 threads >= 3x tfjs-wasm', 'missed'],
    ]);
    expect(renderWasm([mm, pool], checks)).toContain('maxPool 2x2: wasm 2 threads >= 3x tfjs-wasm');
  });
});

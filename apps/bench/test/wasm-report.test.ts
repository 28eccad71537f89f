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

describe('wasm in the models ratio table (issue 17)', () => {
  it('gives wasm against tfjs-wasm and as a share of native, at 1 thread and at all', async () => {
    const { renderRatios } = await import('../src/models/render.js');
    const { modelCases } = await import('../src/models/specs.js');
    const c = modelCases(true)[0];
    const cells = new Map(Object.entries({
      'batchwise-wasm-2t': 20, 'batchwise-wasm-1t': 30, 'batchwise-native-2t': 10, 'batchwise-native-1t': 15, 'tfjs-wasm': 60,
    }).map(([id, ms]) => [id, { sample: sample(ms) }]));
    const text = renderRatios([c], new Map([[c.id, cells]]), [], 2);
    const [header, , row] = text.split('\n');
    const cols = (line: string) => line.split('|').map((s) => s.trim()).filter((s) => s !== '');
    const at = (name: string) => cols(row)[cols(header).indexOf(name)];
    expect(at('wasm 2t vs tfjs-wasm')).toBe('3.00x');
    expect(at('wasm 1t vs tfjs-wasm')).toBe('2.00x');
    expect(at('wasm 2t % of native 2t')).toBe('50%');
    expect(at('wasm 1t % of native 1t')).toBe('50%');
  });
});

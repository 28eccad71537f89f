import { describe, expect, it } from 'vitest';
import { kernelCase } from '../src/kernels/cases.js';
import { bestPeak, parsePeak } from '../src/machine/peak.js';
import { derive } from '../src/report/derive.js';
import { evaluateTargets } from '../src/report/targets.js';
import { renderTimes, renderWasmPeak } from '../src/report/render.js';
import { modelFigures } from '../src/models/render.js';
import { modelCases } from '../src/models/specs.js';
import { summarize } from '../src/stats.js';
import type { KernelResult } from '../src/types.js';

const PROBE = JSON.stringify({
  threads: 2,
  avx512: true,
  fma: { avx2: { one: 100, all: 200 }, avx512: { one: 200, all: 400 } },
  triad: { dram: { bytesPerArray: 1, one: 20, all: 40 }, cache: { bytesPerArray: 1, one: 50, all: 100 } },
  sink: 1,
});

const sample = (ms: number) => summarize([ms, ms, ms, ms, ms]);

function result(id: Parameters<typeof kernelCase>[0], times: Record<string, number>): KernelResult {
  return {
    kernel: kernelCase(id),
    measurements: [
      ...Object.entries(times).map(([contender, ms]) => ({ contender, sample: sample(ms) })),
      { contender: 'ort-1t', unavailable: 'no kernel' },
    ],
  };
}

describe('peak', () => {
  it('uses the faster ISA and keeps the best of several probes', () => {
    const p = parsePeak(PROBE);
    expect(p.fma).toEqual({ one: 200, all: 400 });
    const slower = { ...p, fma: { one: 150, all: 410 }, dram: { ...p.dram, all: 30 } };
    const best = bestPeak([p, slower]);
    expect(best.fma).toEqual({ one: 200, all: 410 });
    expect(best.dram.all).toBe(40);
    expect(best.wasmSimd128).toBeUndefined();
  });

  it('keeps the best wasm SIMD128 peak of the probes that measured one, and sets native against it', () => {
    const p = parsePeak(PROBE);
    const best = bestPeak([{ ...p, wasmSimd128: { one: 40, all: 70 } }, p, { ...p, wasmSimd128: { one: 50, all: 60 } }]);
    expect(best.wasmSimd128).toEqual({ one: 50, all: 70 });
    expect(renderWasmPeak(best)).toContain('50.0 / 70.0 GFLOP/s; native FMA peak over it: 4.0x / 5.7x');
  });

  it("gives wasm contenders' model rates as a share of the SIMD128 peak, and only theirs", () => {
    const peak = { ...parsePeak(PROBE), wasmSimd128: { one: 50, all: 80 } };
    const cases = modelCases(true).slice(0, 1);
    const columns = [
      { id: 'batchwise-wasm-1t', label: 'wasm 1t', threads: 1 },
      { id: 'batchwise-wasm-2t', label: 'wasm 2t', threads: 2 },
      { id: 'batchwise-native-1t', label: 'native 1t', threads: 1 },
    ];
    const table = new Map([[cases[0].id, new Map(columns.map((k) => [k.id, { sample: sample(10) }]))]]);
    const [w1, w2, n1] = modelFigures(cases, columns, table, peak);
    expect(w1.wasmPeakShare).toBeCloseTo(w1.gflopsPerSecond / 50, 9);
    expect(w2.wasmPeakShare).toBeCloseTo(w2.gflopsPerSecond / 80, 9);
    expect(w1.peakShare).toBeCloseTo(w1.gflopsPerSecond / 200, 9);
    expect(n1.wasmPeakShare).toBeUndefined();
  });
});

describe('derive and targets', () => {
  const peak = parsePeak(PROBE);
  // matMul is 2^31 FLOPs: 10 ms is 214.7 GFLOP/s.
  const mm = derive(result('matMul', { 'native-1t': 20, 'native-2t': 10, 'tfjs-wasm': 40, 'tfjs-cpu': 2000 }), peak);

  it('computes speedups against peers, thread scaling and fractions of peak', () => {
    expect(mm.vsTfjsWasm).toBe(4);
    expect(mm.vsTfjsCpu).toBe(200);
    expect(mm.scaling).toBe(2);
    expect(mm.vsOrt1).toBeUndefined();
    expect(mm.peakOne).toBeCloseTo(107.37 / 200, 3);
    expect(mm.peakAll).toBeCloseTo(214.75 / 400, 3);
  });

  it('uses bandwidth for memory-bound kernels', () => {
    const bn = derive(result('batchNormTrainingBackward', { 'native-2t': 1 }), peak);
    // 5 x 6.42 MB moved in 1 ms = 32.1 GB/s.
    expect(bn.bandwidthDram).toBeCloseTo(32.1 / 40, 2);
    expect(bn.bandwidthCache).toBeCloseTo(32.1 / 100, 2);
    expect(bn.peakOne).toBeUndefined();
  });

  it('marks targets met, missed or not measured', () => {
    const checks = evaluateTargets([mm]);
    const status = (prefix: string) => checks.find((c) => c.target.startsWith(prefix))?.status;
    expect(status('matMul: native 1 thread')).toBe('missed'); // 54% of peak
    expect(status('matMul: native 2 threads')).toBe('met'); // 2x
    expect(status('conv2d: native 1 thread')).toBe('n/a');
    expect(status('every kernel: native >= 3x tfjs-wasm')).toBe('met');
    expect(checks.find((c) => c.target.includes('tfjs-wasm'))?.measured).toBe('4.00x (slowest ratio: matMul; 1 kernels compared)');
  });
});

describe('renderTimes', () => {
  it('shows ms and rate per contender and n/a when a contender did not run', () => {
    const text = renderTimes(
      [result('matMul', { 'native-2t': 10 })],
      [
        { id: 'native-2t', label: 'native 2t', threads: 2, available: true },
        { id: 'ort-1t', label: 'ort 1t', threads: 1, available: true },
      ],
    );
    const row = text.split('\n')[2];
    expect(row).toContain('10.0 (215)');
    expect(row).toContain('n/a');
  });
});

describe('scaleSample', () => {
  it('scales the times of a call that did a fraction of the work, leaving the spread', async () => {
    const { scaleSample } = await import('../src/kernels/run-kernels.js');
    const s = scaleSample(summarize([1, 2, 3, 4, 5]), 16);
    expect(s).toMatchObject({ runs: 5, medianMs: 48, minMs: 16, maxMs: 80, relativeSpread: 2 / 3, timesMs: [16, 32, 48, 64, 80] });
  });
});

describe('renderNoise', () => {
  it('names the median and the worst spread', async () => {
    const { renderNoise } = await import('../src/report/render.js');
    const r: KernelResult = {
      kernel: kernelCase('conv2d'),
      measurements: [
        { contender: 'a', sample: summarize([10, 10, 10, 10, 10]) },
        { contender: 'b', sample: summarize([8, 9, 10, 11, 12]) },
        { contender: 'c', unavailable: 'no' },
      ],
    };
    const line = renderNoise([r], [{ id: 'b', label: 'tfjs-cpu', threads: 1, available: true }]);
    // Spreads 0 % and 20 %: the median of two values is their mean (it was the upper one before @batchwise/stats).
    expect(line).toBe('Noise (interquartile range / median of each timing): median 10%, worst 20% (tfjs-cpu conv2d), over 2 timings.');
  });
});

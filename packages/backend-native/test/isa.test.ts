import { availableParallelism } from 'node:os';
import { conv2dOutputShape, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createNativeBackend, getIsa } from '../src/index.js';
import { runFixture } from './child.js';
import { filled, jsonFloats, loadRawAddon, mathInput, poolInput } from './fixtures/entry-specs.mjs';
import { cpu, expectClose } from './helpers.js';

const LEVELS = ['scalar', 'avx2', 'avx512'] as const;
const best = getIsa();
const rank = (isa: string) => LEVELS.indexOf(isa as (typeof LEVELS)[number]);

function reference() {
  const t = (n: number, seed: number, shape: number[]) => new Tensor(filled(n, seed), shape);
  const o = { strides: [2, 2] as const, padding: 'same' as const, dilations: [1, 1] as const };
  const x = t(810, 3, [2, 9, 9, 5]), f = t(855, 4, [3, 3, 5, 19]);
  expect(conv2dOutputShape(x.shape, f.shape, o)).toEqual([2, 5, 5, 19]);
  const bn = cpu.batchNormTraining(t(300, 5, [100, 3]), t(3, 6, [3]), t(3, 7, [3]), { epsilon: 1e-3 });
  return {
    mm: cpu.matMul(t(37 * 53, 1, [37, 53]), t(53 * 41, 2, [53, 41])).data,
    conv: cpu.conv2d(x, f, o).data,
    bn: bn.y.data,
    mean: bn.mean.data,
    variance: bn.variance.data,
    pool: cpu.maxPool(new Tensor(poolInput(), [2, 7, 9, 19]), { poolSize: [3, 3], strides: [2, 2], padding: 'same' }),
    pool2x2: cpu.maxPool(new Tensor(poolInput().slice(0, 4 * 18 * 32), [1, 4, 18, 32]), { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }),
  };
}

describe('each ISA level forced with BATCHWISE_ISA in a child process', () => {
  const expected = reference();
  for (const level of LEVELS) {
    it(`${level}: runs the level it may (never above the CPU's) and matches cpu`, () => {
      const run = runFixture('isa-child.mjs', [], { BATCHWISE_ISA: level });
      expect(run.status, run.stderr).toBe(0);
      const got = JSON.parse(run.stdout);
      expect(got.isa).toBe(rank(level) <= rank(best) ? level : best);
      expect(got.gemm.startsWith(got.isa)).toBe(true);
      // One dispatch table: every kernel family runs the variant of the level in use.
      const simd = got.isa === 'scalar' ? 'libm' : got.isa;
      expect(got.table).toEqual({
        isa: got.isa, gemm: got.gemm, convMicro: got.gemm, vecMath: simd, batchNormRows: got.isa, batchNormReluRows: got.isa, maxPoolRows: got.isa, optimizerRows: got.isa,
      });
      for (const key of ['mm', 'conv', 'bn', 'mean', 'variance'] as const) {
        expectClose(got[key], expected[key], `${level} ${key}`, 1e-4, 1e-5);
      }
      // maxPool is exact at every level: same values, NaNs and first-maximum indices as cpu.
      expect(got.pool.y).toEqual([...expected.pool.y.data]);
      expect(got.pool.argmax).toEqual([...expected.pool.argmax]);
      expect(got.pool2x2.y).toEqual([...expected.pool2x2.y.data]);
      expect(got.pool2x2.argmax).toEqual([...expected.pool2x2.argmax]);
    });
  }
  it('batch norm gives the same bits at every level (vectorised across channels, no FMA contraction)', () => {
    const runs = LEVELS.map((level) => JSON.parse(runFixture('isa-child.mjs', [], { BATCHWISE_ISA: level }).stdout));
    for (const run of runs.slice(1)) {
      for (const key of ['bn', 'mean', 'variance', 'bnWide', 'bnTwenty', 'bnRelu'] as const) expect(run[key]).toEqual(runs[0][key]);
    }
  });
  it('exp, sigmoid and tanh stay within the elementwise tolerance (rtol 1e-6, atol 1e-7) at every level', () => {
    const x = mathInput();
    const refs = { exp: Math.exp, sigmoid: (v: number) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh };
    for (const level of LEVELS) {
      const got = JSON.parse(runFixture('isa-child.mjs', [], { BATCHWISE_ISA: level }).stdout);
      for (const [name, ref] of Object.entries(refs)) {
        const expected = jsonFloats(Float32Array.from(x, ref));
        const received = got.math[name] as (number | string)[];
        received.forEach((r, i) => {
          const e = expected[i];
          if (typeof e === 'string' || typeof r === 'string') {
            expect(r, `${level} ${name}(${x[i]})`).toBe(e);
          } else {
            expect(Math.abs(r - e), `${level} ${name}(${x[i]})`).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(e));
          }
        });
      }
    }
  });
  it('maxPool propagates NaN and picks the same argmax at every level', () => {
    const runs = LEVELS.map((level) => JSON.parse(runFixture('isa-child.mjs', [], { BATCHWISE_ISA: level }).stdout));
    expect(runs[0].poolNaN.y).toContain('NaN');
    expect(runs[0].pool2x2NaN.y).toContain('NaN');
    for (const run of runs.slice(1)) {
      expect(run.poolNaN).toEqual(runs[0].poolNaN);
      expect(run.pool2x2NaN).toEqual(runs[0].pool2x2NaN);
    }
  });
  it('BATCHWISE_NUM_THREADS sizes the pool; an invalid value falls back to the core count', () => {
    expect(JSON.parse(runFixture('isa-child.mjs', [], { BATCHWISE_NUM_THREADS: '3' }).stdout).threads).toBe(3);
    const fallback = JSON.parse(runFixture('isa-child.mjs', [], { BATCHWISE_NUM_THREADS: 'lots' }).stdout).threads;
    expect(fallback).toBe(availableParallelism());
  });
  it("info() reports the dispatch table's variant of every kernel family", () => {
    const info = createNativeBackend().info();
    const { isa, ...families } = loadRawAddon().getKernelTable();
    expect(info).toMatchObject({ simd: isa, ...families });
    expect(Object.keys(families)).toEqual(['gemm', 'convMicro', 'vecMath', 'batchNormRows', 'batchNormReluRows', 'maxPoolRows', 'optimizerRows']);
  });
  it('an unknown BATCHWISE_ISA is reported, not silently ignored', () => {
    const run = runFixture('isa-child.mjs', [], { BATCHWISE_ISA: 'sse9' });
    expect(JSON.parse(run.stdout).isaError).toBe("BATCHWISE_ISA must be one of 'scalar', 'avx2', 'avx512', received 'sse9'.");
  });
});

import { argmaxRangeError, makeTensor, type MaxPoolOptions } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { cpu, expectTensorClose, native, randn } from './helpers.js';

/*
 * Paths of the native fused batch norm + ReLU backward that the conformance
 * cases (argmax from the forward) do not reach: an argmax index that is in
 * range but outside its own window sends the call from the disjoint-window
 * path to the general one, which must still follow the definition (cpu's).
 */
const pool: MaxPoolOptions = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };

function forward() {
  const x = randn([2, 6, 6, 4], 1), gamma = randn([4], 2), beta = randn([4], 3);
  const r = native.batchNormReluTraining!(x, gamma, beta, { epsilon: 1e-3, pool });
  const dy = randn(r.y.shape, 4);
  return { x, gamma, r, dy };
}

describe('native batchNormReluBackward', () => {
  it('follows the definition when an argmax index lies outside its window', () => {
    const { x, gamma, r, dy } = forward();
    const argmax = r.argmax!.slice();
    // Element 0 (image 0, pooled pixel (0,0), channel 0) now names pixel (5,5): in range, not in its window.
    argmax[0] = (5 * 6 + 5) * 4;
    const y = r.y.clone();
    y.data[0] = 1;
    const params = { x, gamma, mean: r.mean, invStd: r.invStd, y, argmax, pool };
    const n = native.batchNormReluBackward!(dy, params);
    const c = cpu.batchNormReluBackward!(dy, params);
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) expectTensorClose(n[k], c[k], `general path ${k}`, 1e-5, 1e-5);
    // Unchanged argmax: the disjoint-window path, same definition.
    const fast = { ...params, y: r.y, argmax: r.argmax };
    const nf = native.batchNormReluBackward!(dy, fast);
    const cf = cpu.batchNormReluBackward!(dy, fast);
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) expectTensorClose(nf[k], cf[k], `disjoint path ${k}`, 1e-5, 1e-5);
  });

  it("refuses an index outside x with maxPoolBackward's error, before returning", () => {
    const { x, gamma, r, dy } = forward();
    const argmax = r.argmax!.slice();
    argmax[7] = x.size;
    const call = () => native.batchNormReluBackward!(dy, { x, gamma, mean: r.mean, invStd: r.invStd, y: r.y, argmax, pool });
    expect(call).toThrow(argmaxRangeError(argmax, x.size)!.message);
  });
});

describe('native conv2dBatchNormRelu', () => {
  // Each conv path: direct (few input channels), Winograd (3x3, 16+ channels), indirect (5x5, 32 channels), packed GEMM (1x1, 24 channels).
  const cases = [
    { name: 'direct, 2x2 pool', x: [3, 10, 10, 1], f: [3, 3, 1, 16], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { name: 'Winograd, overlapping 3x3 stride 2 same pool', x: [2, 9, 9, 32], f: [3, 3, 32, 40], pool: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
    { name: 'indirect (5x5), overlapping 3x3 stride 2 same pool', x: [2, 9, 9, 32], f: [5, 5, 32, 40], pool: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
    { name: 'packed GEMM (1x1), no pool', x: [2, 5, 7, 24], f: [1, 1, 24, 20] },
    // Winograd with a 2x2 pool: F(4x4) tiles over whole 4x4 blocks (here with the F(4x4) corner tile), F(2x2) for the rest.
    { name: 'batch of one, 2x2 pool', x: [1, 14, 14, 32], f: [3, 3, 32, 64], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, winograd4: true },
    // Partial vectors of channels in every ISA's transforms (36, 24), a partial channel sliver, the corner tile.
    { name: 'Winograd F(4x4) tiles and corner, 36 -> 24, 2x2 pool', x: [2, 14, 14, 36], f: [3, 3, 36, 24], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, winograd4: true },
    // Direct with the pool in the microkernel's registers: a short last group of pooled pixels and a partial channel sliver.
    { name: 'direct pooled in registers, odd width, 40 channels', x: [2, 9, 11, 3], f: [3, 3, 3, 40], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    // At most 16 output channels: the narrow (24 x 16) register tile, a short last group of six pooled pixels.
    { name: 'direct pooled in registers, narrow tile, 12 channels', x: [2, 9, 15, 2], f: [3, 3, 2, 12], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    // Winograd (3x3, 16+ channels): tiles cut by the odd edges, a partial channel sliver.
    // Fewer than 32 input channels: F(2x2) tiles only, the chain's bits.
    { name: 'Winograd, odd 7x9, 16 -> 33, 2x2 pool', x: [2, 7, 9, 16], f: [3, 3, 16, 33], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { name: 'Winograd F(4x4) tiles, odd 7x9, 32 -> 33, 2x2 pool', x: [2, 7, 9, 32], f: [3, 3, 32, 33], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, winograd4: true },
    // 'valid' 18x10 output: pooled 9x5, two F(4x4) columns and a corner tile reading past the input's last row.
    { name: 'Winograd, valid, pooled 9x5, 40 -> 16, 2x2 pool', x: [1, 20, 12, 40], f: [3, 3, 40, 16], padding: 'valid', pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, winograd4: true },
    { name: 'Winograd, odd 7x9, 16 -> 33, no pool', x: [2, 7, 9, 16], f: [3, 3, 16, 33] },
    // The bench CNN's first layers at batch 1: pooled groups run on across pooled rows.
    { name: 'direct pooled in registers, batch 1, 28x28x1 -> 32', x: [1, 28, 28, 1], f: [3, 3, 1, 32], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { name: 'direct pooled in registers, batch 1, 28x28x1 -> 16', x: [1, 28, 28, 1], f: [3, 3, 1, 16], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    // Enough multiply-adds for the threads' tasks of whole pooled rows.
    { name: 'direct pooled in registers, batch 24 (tasks)', x: [24, 28, 28, 1], f: [3, 3, 1, 32], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    // NaN and infinities in x: tiles with a NaN (or inf - inf) take the microkernel's exact max-select.
    { name: 'direct pooled in registers, NaN and infinities', x: [2, 10, 14, 1], f: [3, 3, 1, 32], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, poison: true },
    { name: 'direct pooled in registers, narrow tile, NaN and infinities', x: [2, 10, 14, 1], f: [3, 3, 1, 16], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, poison: true },
  ] as const;
  for (const c of cases) {
    const winograd4 = 'winograd4' in c && c.winograd4;
    it(`gives ${winograd4 ? 'within the conformance tolerance the values' : 'the bits'} of conv2d, batchNormInference, relu and maxPool one by one: ${c.name}`, () => {
      const x = randn([...c.x], 5), f = randn([...c.f], 6), o = c.f[3];
      if ('poison' in c) [NaN, Infinity, -Infinity, NaN, Infinity].forEach((v, i) => { x.data[(i * 53 + 7) % x.size] = v; });
      const params = { mean: randn([o], 7), variance: randn([o], 8, 0.2, 1), gamma: randn([o], 9), beta: randn([o], 10), epsilon: 1e-3 };
      const conv = { strides: [1, 1], padding: 'padding' in c ? c.padding : 'same', dilations: [1, 1] } as const;
      const pool = 'pool' in c ? c.pool : undefined;
      const fused = native.conv2dBatchNormRelu!(x, f, params, { ...conv, ...(pool ? { pool } : {}) });
      const r = native.relu(native.batchNormInference(native.conv2d(x, f, conv), params));
      const chain = pool ? native.maxPool(r, pool).y : r;
      expect(fused.shape).toEqual(chain.shape);
      if (winograd4) {
        // F(4x4)'s products differ from conv2d's F(2x2) ones by rounding: both
        // within conformance's slack for a sum of 9 x in_c terms (3x, see
        // packages/conformance/src/cases/fused.ts), scaled by batch norm's largest |scale|.
        const scale = Math.max(...Array.from(params.gamma.data, (g, i) => Math.abs(g) / Math.sqrt(params.variance.data[i]! + 1e-3)));
        expectTensorClose(fused, chain, c.name, 1e-5, 3 * 9 * c.f[2] * 2e-7 * scale);
        // And the F(4x4) tiles ran: F(2x2) alone would give the chain's bits.
        expect(Buffer.from(fused.data.buffer, fused.data.byteOffset, fused.data.byteLength).equals(Buffer.from(chain.data.buffer, chain.data.byteOffset, chain.data.byteLength))).toBe(false);
      } else {
        expect(Buffer.from(fused.data.buffer, fused.data.byteOffset, fused.data.byteLength).equals(Buffer.from(chain.data.buffer, chain.data.byteOffset, chain.data.byteLength))).toBe(true);
      }
    });
  }
});

describe('native conv2dBatchNormRelu: an image has the same bits alone as in a batch', () => {
  // [1,14,14,32] -> 64 with a 2x2 pool: F(4x4) tiles, the corner tile and 12
  // F(2x2) tiles, chosen by position (and the ISA's MR) only; in a batch of
  // three the tiles of image 0 share microkernel calls with image 1's.
  it('Winograd, 2x2 pool, 49 tiles an image', () => {
    const x = randn([3, 14, 14, 32], 11), f = randn([3, 3, 32, 64], 12);
    const params = { mean: randn([64], 13), variance: randn([64], 14, 0.2, 1), gamma: randn([64], 15), beta: randn([64], 16), epsilon: 1e-3 };
    const options = { strides: [1, 1], padding: 'same', dilations: [1, 1], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } } as const;
    const batch = native.conv2dBatchNormRelu!(x, f, params, options);
    const first = native.conv2dBatchNormRelu!(makeTensor(x.data.slice(0, 14 * 14 * 32), [1, 14, 14, 32]), f, params, options);
    const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bits(first.data).equals(bits(batch.data.subarray(0, first.size)))).toBe(true);
  });
});

describe('native conv2dBatchNormRelu: cached geometry (conv-plan-cache.ts)', () => {
  // Argument sets differing in one value each, called in turn twice over (more
  // sets than the cache holds): each must give the unfused chain's result.
  it('reuses a plan only for equal arguments', () => {
    const base = { x: [2, 9, 9, 3], f: [3, 3, 3, 8], strides: [1, 1], dilations: [1, 1], padding: 'same', pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } };
    type Variant = { x: number[]; f: number[]; strides: number[]; dilations: number[]; padding: string; pool?: { poolSize: number[]; strides: number[]; padding: string } };
    const variants: Variant[] = [
      base,
      { ...base, padding: 'valid' },
      { ...base, strides: [1, 2] },
      { ...base, dilations: [2, 1] },
      { ...base, x: [2, 9, 10, 3] },
      { ...base, x: [1, 9, 9, 3] },
      { ...base, f: [3, 3, 3, 9] },
      { ...base, f: [3, 2, 3, 8] },
      { ...base, pool: { ...base.pool, padding: 'same' } },
      { ...base, pool: { ...base.pool, poolSize: [3, 3] } },
      { ...base, pool: { ...base.pool, strides: [1, 1] } },
      { x: base.x, f: base.f, strides: base.strides, dilations: base.dilations, padding: base.padding },
    ];
    for (let round = 0; round < 2; round++) {
      variants.forEach((v, i) => {
        const x = randn(v.x, 20 + i), f = randn(v.f, 40 + i), o = v.f[3];
        const params = { mean: randn([o], 7), variance: randn([o], 8, 0.2, 1), gamma: randn([o], 9), beta: randn([o], 10), epsilon: 1e-3 };
        const conv = { strides: v.strides, padding: v.padding, dilations: v.dilations } as Parameters<typeof native.conv2d>[2];
        const pool = v.pool as MaxPoolOptions | undefined;
        const fused = native.conv2dBatchNormRelu!(x, f, params, { ...conv, ...(pool ? { pool } : {}) });
        const r = native.relu(native.batchNormInference(native.conv2d(x, f, conv), params));
        const chain = pool ? native.maxPool(r, pool).y : r;
        expect(fused.shape, `variant ${i}`).toEqual(chain.shape);
        expect(Array.from(fused.data), `variant ${i}`).toEqual(Array.from(chain.data));
      });
    }
  });
});

describe('native conv2dBatchNormReluTraining', () => {
  const bits = (t: { data: Float32Array } | Int32Array) => {
    const a = t instanceof Int32Array ? t : t.data;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  };
  const cases = [
    { name: 'first layer [64,28,28,1] -> 32, 2x2 pool (many statistics chunks)', x: [64, 28, 28, 1], f: [3, 3, 1, 32], pool: true },
    { name: 'batch of one [1,14,14,32] -> 64 (fewer chunks than tasks)', x: [1, 14, 14, 32], f: [3, 3, 32, 64], pool: true },
    { name: 'no pool [4,9,9,20] -> 24', x: [4, 9, 9, 20], f: [3, 3, 20, 24], pool: false },
    { name: 'Winograd, statistics chunks in groups of whole tile rows [32,14,14,32] -> 64', x: [32, 14, 14, 32], f: [3, 3, 32, 64], pool: true },
  ] as const;
  for (const c of cases) {
    it(`gives the bits of conv2d then batchNormReluTraining: ${c.name}`, () => {
      const x = randn([...c.x], 11), f = randn([...c.f], 12), o = c.f[3];
      const gamma = randn([o], 13), beta = randn([o], 14);
      const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
      const pool = c.pool ? ({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const) : undefined;
      const fused = native.conv2dBatchNormReluTraining!(x, f, gamma, beta, { ...conv, epsilon: 1e-3, ...(pool ? { pool } : {}) });
      const z = native.conv2d(x, f, conv);
      const r = native.batchNormReluTraining!(z, gamma, beta, { epsilon: 1e-3, ...(pool ? { pool } : {}) });
      expect(bits(fused.z).equals(bits(z))).toBe(true);
      for (const k of ['y', 'mean', 'variance', 'invStd'] as const) expect(bits(fused[k]).equals(bits(r[k])), k).toBe(true);
      if (pool) expect(bits(fused.argmax!).equals(bits(r.argmax!))).toBe(true);
    });
  }
});

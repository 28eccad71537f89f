import { makeTensor, Random, type Conv2DOptions, type MaxPoolOptions, type Shape, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { bitsEqual, POOL_2X2 } from './helpers.js';

/*
 * conv2dBatchNormReluBackwardFilter's pooled case sums, per pooled row, the conv input's
 * patch tap at each window's winner times the gradient reaching it. On rows of whole 2x2
 * windows with C % 4 == 0 the wasm build runs a SIMD128 row (bn-relu-rows_wasm.cc: a byte
 * swizzle picks each lane's winning tap); other rows and channel counts run the plain
 * loops of bn-relu-rows.inc. Channels never mix in these sums, so C = 8 (the vector row)
 * and the same 8 channels plus a ninth (the plain loops) must give the same bits for the
 * first 8 channels. The shapes keep one chunk of pooled rows for both counts, so the
 * float64 partial sums are added in the same order.
 */
interface Case {
  name: string;
  input: Shape;
  k: number;
  conv: Conv2DOptions;
  pool: MaxPoolOptions;
}

const CASES: Case[] = [
  { name: 'first layer [2,28,28,1], 3x3 same', input: [2, 28, 28, 1], k: 3, conv: { strides: [1, 1], padding: 'same', dilations: [1, 1] }, pool: POOL_2X2 },
  // 27 taps: three blocks of nine; an odd width whose last column no window takes.
  { name: '[2,11,13,3], 3x3 same, 27 taps', input: [2, 11, 13, 3], k: 3, conv: { strides: [1, 1], padding: 'same', dilations: [1, 1] }, pool: POOL_2X2 },
  // The padded last pooled row is not whole: it runs the plain loop among vector rows.
  {
    name: '[2,9,10,2], 3x3 valid, same pool with a padded last row', input: [2, 9, 10, 2], k: 3,
    conv: { strides: [1, 1], padding: 'valid', dilations: [1, 1] }, pool: { poolSize: [2, 2], strides: [2, 2], padding: 'same' },
  },
  // 2x2 windows at stride 3: whole windows that leave a row and a column out between them.
  { name: '[1,14,14,1], 2x2 stride 1 conv, pool stride 3', input: [1, 14, 14, 1], k: 2, conv: { strides: [1, 1], padding: 'valid', dilations: [1, 1] }, pool: { poolSize: [2, 2], strides: [3, 3], padding: 'valid' } },
];

function normal(rng: Random, shape: Shape): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** The first `keep` of `channels` channels of every pixel of `data`. */
function firstChannels(data: Float32Array, channels: number, keep: number): Float32Array {
  const out = new Float32Array((data.length / channels) * keep);
  for (let p = 0; p < data.length / channels; p++) out.set(data.subarray(p * channels, p * channels + keep), p * keep);
  return out;
}

describe('wasm conv2dBatchNormReluBackwardFilter, pooled: the SIMD128 rows against the plain loops', () => {
  const wasm = createWasmBackend({ numThreads: 1 });
  for (const c of CASES) {
    it(c.name, () => {
      const rng = new Random(17);
      const [n, h, w, ci] = c.input;
      const same = c.conv.padding === 'same';
      const zh = same ? h : h - c.k + 1, zw = same ? w : w - c.k + 1;
      const [sh, sw] = c.pool.strides!;
      const poolSame = c.pool.padding === 'same';
      const oh = poolSame ? Math.ceil(zh / sh) : Math.floor((zh - 2) / sh) + 1;
      const ow = poolSame ? Math.ceil(zw / sw) : Math.floor((zw - 2) / sw) + 1;
      const padTop = poolSame ? Math.floor(Math.max(0, (oh - 1) * sh + 2 - zh) / 2) : 0;
      const padLeft = poolSame ? Math.floor(Math.max(0, (ow - 1) * sw + 2 - zw) / 2) : 0;
      const wide = 9, narrow = 8;
      const input = makeTensor(normal(rng, c.input), c.input);
      const filter9 = normal(rng, [c.k, c.k, ci, wide]);
      const pixels = n * oh * ow;
      // Each pooled element's winner: a random position of its window (inside z).
      const winners = Array.from({ length: pixels * wide }, () => rng.int(4));
      const argmaxFor = (channels: number): Int32Array => {
        const a = new Int32Array(pixels * channels);
        for (let p = 0; p < pixels; p++) {
          const b = Math.floor(p / (oh * ow)), r = Math.floor(p / ow) % oh, col = p % ow;
          for (let ch = 0; ch < channels; ch++) {
            const win = winners[p * wide + ch];
            let zr = r * sh - padTop + (win >> 1), zc = col * sw - padLeft + (win & 1);
            zr = Math.min(Math.max(zr, 0), zh - 1);
            zc = Math.min(Math.max(zc, 0), zw - 1);
            a[p * channels + ch] = ((b * zh + zr) * zw + zc) * channels + ch;
          }
        }
        return a;
      };
      const dy9 = normal(rng, [n, oh, ow, wide]), y9 = normal(rng, [n, oh, ow, wide]);
      const gamma9 = normal(rng, [wide]), mean9 = normal(rng, [wide]);
      const invStd9 = Float32Array.from({ length: wide }, () => 0.5 + rng.uniform(0, 1));
      const z9 = normal(rng, [n, zh, zw, wide]);
      const run = (channels: number): Tensor[] => {
        const pick = (d: Float32Array, shape: Shape) => makeTensor(channels === wide ? d : firstChannels(d, wide, channels), [...shape.slice(0, -1), channels]);
        const g = wasm.conv2dBatchNormReluBackwardFilter!(pick(dy9, [n, oh, ow, wide]), {
          x: pick(z9, [n, zh, zw, wide]), gamma: pick(gamma9, [wide]), mean: pick(mean9, [wide]), invStd: pick(invStd9, [wide]),
          y: pick(y9, [n, oh, ow, wide]), argmax: argmaxFor(channels), pool: c.pool,
          input, filter: pick(filter9, [c.k, c.k, ci, wide]), conv: c.conv,
        });
        return [g.dfilter, g.dgamma, g.dbeta];
      };
      const [df8, dg8, db8] = run(narrow);
      const [df9, dg9, db9] = run(wide);
      expect(df8.data.every(Number.isFinite)).toBe(true);
      expect(bitsEqual(df8.data, firstChannels(df9.data, wide, narrow)), 'dfilter').toBe(true);
      expect(bitsEqual(dg8.data, dg9.data.slice(0, narrow)), 'dgamma').toBe(true);
      expect(bitsEqual(db8.data, db9.data.slice(0, narrow)), 'dbeta').toBe(true);
    });
  }
});

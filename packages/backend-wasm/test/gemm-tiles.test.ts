import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';
import { bitsEqual, randn } from './helpers.js';

/*
 * The wasm GEMM has two tiles: 5 x 8 where A is stored densely (matMul) and
 * 4 x 8 where A is packed from convolution patches (the filter gradient).
 * Both sum each output in the same order (k in blocks, one multiply-add chain
 * per block), so a filter gradient equals, bit for bit, the matMul of the
 * explicit patch matrix with dy.
 */
describe('wasm GEMM tiles', () => {
  it('the filter gradient (4 x 8, patches) equals patches^T * dy by matMul (5 x 8, dense) bit for bit', () => {
    const w = createWasmBackend();
    // [batch, h, w, c], 3x3 'valid': k = 4 * 10 * 10 = 400 pixels (over one 256 block), m = 3 * 3 * c rows.
    for (const [c, o] of [
      [8, 16],
      [3, 7],
      [16, 40],
    ] as const) {
      const x = randn([4, 12, 12, c], c * 100 + o);
      const dy = randn([4, 10, 10, o], c * 100 + o + 1);
      const df = w.conv2dBackpropFilter(x, dy, [3, 3, c, o], { strides: [1, 1], padding: 'valid', dilations: [1, 1] });
      // Patch matrix [pixels, 3 * 3 * c], pixels in (n, oh, ow) order, columns in the filter's (kh, kw, c) order.
      const cols = 9 * c;
      const patches = new Float32Array(400 * cols);
      for (let n = 0; n < 4; n++) {
        for (let oh = 0; oh < 10; oh++) {
          for (let ow = 0; ow < 10; ow++) {
            const row = ((n * 10 + oh) * 10 + ow) * cols;
            for (let kh = 0; kh < 3; kh++) {
              for (let kw = 0; kw < 3; kw++) {
                for (let ch = 0; ch < c; ch++) {
                  patches[row + (kh * 3 + kw) * c + ch] = x.data[((n * 12 + oh + kh) * 12 + ow + kw) * c + ch];
                }
              }
            }
          }
        }
      }
      const product = w.matMul(tensor(patches, [400, cols]), tensor(dy.data, [400, o]), { transposeA: true });
      expect(product.shape).toEqual([cols, o]);
      expect(bitsEqual(df.data, product.data), `c ${c} o ${o}`).toBe(true);
    }
  });

  it('1x1 convolutions and their input gradient (5 x 8, strided A) equal matMul bit for bit, rows not a multiple of 5', () => {
    const w = createWasmBackend();
    const options = { strides: [1, 1], padding: 'valid', dilations: [1, 1] } as const;
    // m = 2 * 3 * 7 = 42 pixels: eight whole 5-row tiles and a 2-row edge.
    for (const [c, o] of [
      [8, 16],
      [5, 13],
      [33, 9],
    ] as const) {
      const x = randn([2, 3, 7, c], c * 10 + o);
      const filter = randn([1, 1, c, o], c * 10 + o + 1);
      const dy = randn([2, 3, 7, o], c * 10 + o + 2);
      const y = w.conv2d(x, filter, options);
      const xf = w.matMul(tensor(x.data, [42, c]), tensor(filter.data, [c, o]));
      expect(bitsEqual(y.data, xf.data), `forward c ${c} o ${o}`).toBe(true);
      const dx = w.conv2dBackpropInput(dy, filter, [2, 3, 7, c], options);
      const dyf = w.matMul(tensor(dy.data, [42, o]), tensor(filter.data, [c, o]), { transposeB: true });
      expect(bitsEqual(dx.data, dyf.data), `input gradient c ${c} o ${o}`).toBe(true);
    }
  });
});

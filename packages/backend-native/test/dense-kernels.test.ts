import { accumulated } from '@batchwise/conformance';
import { tensor, type Conv2DOptions, type Padding, type Shape } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { loadRawAddon } from './fixtures/entry-specs.mjs';
import { bitsEqual, cpu, expectClose, expectTensorClose, native, randn } from './helpers.js';

describe('matMul and transpose against backend-cpu', () => {
  const cases: [string, Shape, Shape, boolean, boolean][] = [
    ['square', [33, 47], [47, 29], false, false],
    ['transposeA', [47, 33], [47, 29], true, false],
    ['transposeB', [33, 47], [29, 47], false, true],
    ['both', [47, 33], [29, 47], true, true],
    ['tiny', [1, 1], [1, 1], false, false],
    ['edge tiles', [13, 300], [300, 35], false, false],
    ['large k', [64, 2000], [2000, 70], false, false],
    // Four rows or fewer: the row kernel (B read in place, partial sums over k).
    ['one row, a dense head', [1, 3136], [3136, 10], false, false],
    ['three rows, transposeA, 37 columns (masked tail)', [301, 3], [301, 37], true, false],
    ['two rows, k not a multiple of 4', [2, 7], [7, 33], false, false],
  ];
  for (const [name, as, bs, ta, tb] of cases) {
    it(name, () => {
      const a = randn(as, 1), b = randn(bs, 2);
      const options = { transposeA: ta, transposeB: tb };
      // Sums of up to 2000 unit-variance products: errors scale with sqrt(k), not with |result|.
      expectTensorClose(native.matMul(a, b, options), cpu.matMul(a, b, options), `matMul ${name}`, 1e-4, 1e-4);
    });
  }
  it('a row gives the same bits whether the product has 1, 4 or 20 rows (row kernel and blocked path)', () => {
    const a = randn([20, 600], 7), b = randn([600, 45], 8);
    const all = native.matMul(a, b).data;
    for (const rows of [1, 4]) {
      const part = native.matMul(tensor(a.data.slice(0, rows * 600), [rows, 600]), b).data;
      expect(bitsEqual(part, all.slice(0, rows * 45))).toBe(true);
    }
  });
  it('rows 1..4 through the row kernel match the blocked path bit for bit (odd k and n, k over a 256 block, transposeA)', () => {
    // The blocked path runs from 13 rows up; the first rows of its result are the reference.
    const shapes: [number, number][] = [[1, 1], [7, 3], [255, 17], [256, 16], [257, 33], [513, 10], [784, 100],
      [1001, 129], [3136, 10], [2049, 1], [300, 255], [77, 200]];
    for (const [k, n] of shapes) {
      for (const ta of [false, true]) {
        const a = randn(ta ? [k, 13] : [13, k], k + n), b = randn([k, n], k * n + 1);
        const all = native.matMul(a, b, { transposeA: ta }).data;
        for (let rows = 1; rows <= 4; rows++) {
          const part = ta
            ? tensor(Float32Array.from({ length: k * rows }, (_, i) => a.data[Math.floor(i / rows) * 13 + (i % rows)]), [k, rows])
            : tensor(a.data.slice(0, rows * k), [rows, k]);
          const got = native.matMul(part, b, { transposeA: ta }).data;
          expect(bitsEqual(got, all.slice(0, rows * n)), `k ${k} n ${n} rows ${rows} transposeA ${ta}`).toBe(true);
        }
      }
    }
  });
  it('k = 0 gives zeros', () => {
    const y = native.matMul(tensor(new Float32Array(0), [3, 0]), tensor(new Float32Array(0), [0, 2]));
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  for (const perm of [[1, 0, 2], [2, 0, 1], [0, 1, 2], [2, 1, 0]]) {
    it(`transpose ${perm}`, () => {
      const x = randn([3, 4, 5], 3);
      expectTensorClose(native.transpose(x, perm), cpu.transpose(x, perm), `transpose ${perm}`, 0, 0);
    });
  }
});

describe('conv2d family against backend-cpu', () => {
  const cases: [string, Shape, Shape, [number, number], Padding, [number, number]][] = [
    ['3x3 same', [2, 9, 9, 3], [3, 3, 3, 8], [1, 1], 'same', [1, 1]],
    ['3x3 valid', [2, 9, 8, 4], [3, 3, 4, 5], [1, 1], 'valid', [1, 1]],
    ['stride 2 same (odd pad)', [2, 10, 9, 3], [3, 3, 3, 6], [2, 2], 'same', [1, 1]],
    ['stride 2x3 valid', [1, 11, 13, 2], [2, 3, 2, 4], [2, 3], 'valid', [1, 1]],
    ['dilation 2 same', [2, 12, 12, 3], [3, 3, 3, 7], [1, 1], 'same', [2, 2]],
    ['dilation 2x1 valid', [1, 12, 10, 2], [3, 2, 2, 3], [1, 1], 'valid', [2, 1]],
    ['1x1 pointwise', [2, 6, 7, 16], [1, 1, 16, 24], [1, 1], 'same', [1, 1]],
    ['1x1 stride 2', [2, 6, 7, 5], [1, 1, 5, 3], [2, 2], 'valid', [1, 1]],
    ['5x5 on 28x28x1', [4, 28, 28, 1], [5, 5, 1, 32], [1, 1], 'same', [1, 1]],
    ['kernel larger than stride, wide', [3, 8, 8, 33], [3, 3, 33, 40], [1, 1], 'same', [1, 1]],
    ['big batch filter grad', [16, 14, 14, 8], [3, 3, 8, 16], [1, 1], 'same', [1, 1]],
    // Four chunks of the filter gradient, each starting and ending inside an image, on strided padded rows.
    ['chunks across images, stride 2x1 same', [7, 45, 41, 5], [3, 3, 5, 7], [2, 1], 'same', [1, 1]],
  ];
  for (const [name, xs, fs, strides, padding, dilations] of cases) {
    const o: Conv2DOptions = { strides, padding, dilations };
    it(`forward ${name}`, () => {
      const x = randn(xs, 4), f = randn(fs, 5);
      expectTensorClose(native.conv2d(x, f, o), cpu.conv2d(x, f, o), `conv2d ${name}`);
    });
    it(`backprop input ${name}`, () => {
      const x = randn(xs, 4), f = randn(fs, 5);
      const dy = randn(cpu.conv2d(x, f, o).shape, 6);
      expectTensorClose(native.conv2dBackpropInput(dy, f, xs, o), cpu.conv2dBackpropInput(dy, f, xs, o), `dx ${name}`);
    });
    it(`backprop filter ${name}`, () => {
      const x = randn(xs, 4), f = randn(fs, 5);
      const dy = randn(cpu.conv2d(x, f, o).shape, 6);
      // Each df element sums one product per output pixel (3136 in the big batch case): two
      // float32 sums in different orders agree to twice the conformance slack for that many
      // terms, far below the ~1 a missing term costs; |df| itself can cancel to near zero.
      const terms = dy.shape[0] * dy.shape[1] * dy.shape[2];
      const { atol, rtol } = accumulated(terms);
      expectTensorClose(native.conv2dBackpropFilter(x, dy, fs, o), cpu.conv2dBackpropFilter(x, dy, fs, o), `df ${name}`, 2 * rtol, 2 * atol);
    });
  }
});

describe('batch norm against backend-cpu', () => {
  const shapes: Shape[] = [[64, 7], [4, 5, 5, 3], [2, 3, 3, 100], [1000, 1], [3, 2]];
  for (const shape of shapes) {
    const c = shape[shape.length - 1];
    it(`training, inference and backward ${JSON.stringify(shape)}`, () => {
      // Offset by 1e4: a one-pass E[x^2]-E[x]^2 variance would lose every digit here.
      const x = randn(shape, 7, 2, 1e4), gamma = randn([c], 8), beta = randn([c], 9);
      const n = native.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
      const r = cpu.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
      for (const key of ['y', 'mean', 'variance', 'invStd'] as const) expectTensorClose(n[key], r[key], `bn ${key}`, 1e-4, 1e-4);
      const p = { mean: r.mean, variance: r.variance, gamma, beta, epsilon: 1e-3 };
      expectTensorClose(native.batchNormInference(x, p), cpu.batchNormInference(x, p), 'bn inference', 1e-4, 1e-4);
      const dy = randn(shape, 10);
      const bp = { x, gamma, mean: r.mean, invStd: r.invStd };
      const nb = native.batchNormBackward(dy, bp), rb = cpu.batchNormBackward(dy, bp);
      for (const key of ['dx', 'dgamma', 'dbeta'] as const) expectTensorClose(nb[key], rb[key], `bn ${key}`, 1e-3, 1e-3);
    });
  }
  it('variance of data offset by 1e4 is the float64 two-pass value', () => {
    const x = randn([4096, 2], 11, 1, 1e4);
    const { variance } = native.batchNormTraining(x, tensor([1, 1]), tensor([0, 0]), { epsilon: 1e-3 });
    for (let c = 0; c < 2; c++) {
      let mean = 0;
      for (let r = 0; r < 4096; r++) mean += x.data[r * 2 + c];
      mean /= 4096;
      let v = 0;
      for (let r = 0; r < 4096; r++) v += (x.data[r * 2 + c] - mean) ** 2;
      expectClose([variance.data[c]], [v / 4096], 'variance', 1e-6, 0);
    }
  });
});

describe('maxPool against backend-cpu', () => {
  const cases: [Shape, [number, number], [number, number], Padding][] = [
    [[2, 8, 8, 3], [2, 2], [2, 2], 'valid'],
    [[2, 7, 9, 4], [3, 3], [2, 2], 'same'],
    [[1, 5, 5, 2], [3, 3], [1, 1], 'same'],
    [[1, 6, 5, 1], [2, 3], [3, 1], 'valid'],
    // Channel counts that fill SIMD vectors and leave a tail (8- and 16-wide).
    [[2, 6, 6, 19], [2, 2], [2, 2], 'valid'],
    [[3, 5, 7, 37], [3, 3], [2, 2], 'same'],
  ];
  for (const [xs, poolSize, strides, padding] of cases) {
    it(`${JSON.stringify(xs)} pool ${poolSize} stride ${strides} ${padding}`, () => {
      const x = randn(xs, 12);
      const o = { poolSize, strides, padding };
      const n = native.maxPool(x, o), r = cpu.maxPool(x, o);
      expectTensorClose(n.y, r.y, 'maxPool y', 0, 0);
      expect(Array.from(n.argmax)).toEqual(Array.from(r.argmax));
      const dy = randn(n.y.shape, 13);
      expectTensorClose(native.maxPoolBackward(dy, n.argmax, xs), cpu.maxPoolBackward(dy, r.argmax, xs), 'maxPool dx');
    });
  }
  it('maxPoolBackward: an index outside its image is summed in order; a bad index is refused', () => {
    // Backward runs images in parallel only when every index stays in its image.
    const addon = loadRawAddon();
    const dy = new Float32Array([1, 2, 3, 4]), argmax = new Int32Array([0, 7, 7, 7]), dx = new Float32Array(8);
    addon.maxPoolBackward(dy, [2, 1, 2, 1], argmax, [2, 2, 2, 1], dx);
    expect(Array.from(dx)).toEqual([1, 0, 0, 0, 0, 0, 0, 9]);
    for (const bad of [-1, 8]) {
      const a = new Int32Array([0, 1, bad, 7]);
      expect(() => addon.maxPoolBackward(dy, [2, 1, 2, 1], a, [2, 2, 2, 1], dx)).toThrow(`argmax[2] must be in [0, 8), received ${bad}.`);
    }
  });
  it('ties go to the first element and padding never wins', () => {
    const x = tensor(new Float32Array([-5, -5, -5, -5]), [1, 2, 2, 1]);
    const { y, argmax } = native.maxPool(x, { poolSize: [3, 3], strides: [1, 1], padding: 'same' });
    expect(Array.from(y.data)).toEqual([-5, -5, -5, -5]);
    expect(Array.from(argmax)).toEqual([0, 0, 0, 0]);
  });
});

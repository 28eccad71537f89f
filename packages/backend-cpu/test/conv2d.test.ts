import { Random, tensor, type Conv2DOptions } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from '../src/kernels/conv2d.js';
import { expectClose, randomTensor } from './support.js';

/** Output size and leading pad along one axis, derived here from TF's SAME_UPPER rule. */
function axis(size: number, k: number, s: number, d: number, padding: 'same' | 'valid'): [number, number] {
  const span = (k - 1) * d + 1;
  if (padding === 'valid') return [Math.floor((size - span) / s) + 1, 0];
  const out = Math.ceil(size / s);
  return [out, Math.floor(Math.max((out - 1) * s + span - size, 0) / 2)];
}

interface Ref {
  y: Float64Array;
  dx: Float64Array;
  dw: Float64Array;
  outShape: number[];
}

/** Direct float64 convolution and both gradients given dy, by the definition. */
function reference(x: number[], xs: Float32Array, w: number[], ws: Float32Array, o: Conv2DOptions, dy?: Float32Array): Ref {
  const [N, H, W, C] = x;
  const [KH, KW, , F] = w;
  const [OH, pt] = axis(H, KH, o.strides[0], o.dilations[0], o.padding);
  const [OW, pl] = axis(W, KW, o.strides[1], o.dilations[1], o.padding);
  const y = new Float64Array(N * OH * OW * F);
  const dx = new Float64Array(xs.length);
  const dw = new Float64Array(ws.length);
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let f = 0; f < F; f++) {
          const yi = ((n * OH + oy) * OW + ox) * F + f;
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++) {
              const iy = oy * o.strides[0] - pt + ky * o.dilations[0];
              const ix = ox * o.strides[1] - pl + kx * o.dilations[1];
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (let c = 0; c < C; c++) {
                const xi = ((n * H + iy) * W + ix) * C + c;
                const wi = ((ky * KW + kx) * C + c) * F + f;
                y[yi] += xs[xi] * ws[wi];
                if (dy) {
                  dx[xi] += dy[yi] * ws[wi];
                  dw[wi] += dy[yi] * xs[xi];
                }
              }
            }
        }
  return { y, dx, dw, outShape: [N, OH, OW, F] };
}

const opt = (s: number, padding: 'same' | 'valid', d = 1): Conv2DOptions => ({ strides: [s, s], padding, dilations: [d, d] });

const CASES: [string, number[], number[], Conv2DOptions][] = [
  ['batch 1, 3x3 same', [1, 5, 5, 2], [3, 3, 2, 3], opt(1, 'same')],
  ['1x1 spatial input, 3x3 same', [2, 1, 1, 3], [3, 3, 3, 2], opt(1, 'same')],
  ['one channel in and out', [2, 6, 4, 1], [3, 2, 1, 1], opt(1, 'valid')],
  ['odd size, stride 2, same', [2, 7, 9, 3], [3, 3, 3, 4], opt(2, 'same')],
  ['even size, stride 2, same (pad only at the end)', [1, 8, 6, 2], [3, 3, 2, 2], opt(2, 'same')],
  ['stride 2 valid', [1, 9, 7, 2], [3, 3, 2, 3], opt(2, 'valid')],
  ['dilation 2 same', [2, 9, 8, 2], [3, 3, 2, 3], opt(1, 'same', 2)],
  ['dilation 2 valid', [1, 9, 9, 3], [2, 3, 3, 2], opt(1, 'valid', 2)],
  ['pointwise 1x1 (no im2col)', [2, 4, 5, 6], [1, 1, 6, 3], opt(1, 'same')],
  ['1x1 stride 2 (im2col path)', [1, 5, 5, 3], [1, 1, 3, 2], opt(2, 'same')],
  ['mixed strides and dilations', [1, 10, 9, 2], [3, 2, 2, 2], { strides: [2, 1], padding: 'same', dilations: [1, 3] }],
  ['filter larger than input, same', [1, 2, 3, 2], [5, 5, 2, 2], opt(1, 'same')],
  // K = 3*3*64 = 576 gives 455 rows per column chunk, so 2x16x16 = 512 rows take two chunks.
  ['several im2col chunks', [2, 16, 16, 64], [3, 3, 64, 5], opt(1, 'same')],
  // 3x3, unit stride and dilation, >= 8 channels in and out: the Winograd path.
  ['winograd: odd size, same', [2, 7, 9, 8], [3, 3, 8, 8], opt(1, 'same')],
  ['winograd: even size, same', [1, 6, 6, 8], [3, 3, 8, 10], opt(1, 'same')],
  ['winograd: valid, in != out channels', [1, 8, 7, 12], [3, 3, 12, 9], opt(1, 'valid')],
  ['winograd: 3x3 input valid gives 1x1', [2, 3, 3, 8], [3, 3, 8, 8], opt(1, 'valid')],
  ['winograd: batch 1, 1x1 spatial, same', [1, 1, 1, 8], [3, 3, 8, 8], opt(1, 'same')],
  ['winograd: 2x5 input, same', [1, 2, 5, 9], [3, 3, 9, 8], opt(1, 'same')],
  // 2x12x12 = 288 tiles; 2^18 / (16*64) = 256 tiles per chunk, so two chunks.
  ['winograd: several tile chunks', [2, 24, 24, 64], [3, 3, 64, 64], opt(1, 'same')],
];

describe('conv2d family', () => {
  CASES.forEach(([name, xShape, wShape, o], i) => {
    it(name, () => {
      const x = randomTensor(xShape, 10 + i);
      const w = randomTensor(wShape, 20 + i);
      const ref0 = reference(xShape, x.data, wShape, w.data, o);
      const dy = randomTensor(ref0.outShape, 30 + i);
      const ref = reference(xShape, x.data, wShape, w.data, o, dy.data);
      // Sums of up to 576 products of values in [-1, 1]: absolute error grows with K.
      const atol = 1e-4;
      const y = conv2d(x, w, o);
      expect(y.shape).toEqual(ref.outShape);
      expectClose(y.data, ref.y, atol);
      const dx = conv2dBackpropInput(dy, w, xShape, o);
      expect(dx.shape).toEqual(xShape);
      expectClose(dx.data, ref.dx, atol);
      const dw = conv2dBackpropFilter(x, dy, wShape, o);
      expect(dw.shape).toEqual(wShape);
      expectClose(dw.data, ref.dw, atol);
    });
  });

  // The backprops are the adjoints of the forward map:
  // <conv(x, w), dy> = <x, backpropInput(dy, w)> = <w, backpropFilter(x, dy)>.
  // Random geometries (seeded) reach every scheme: Winograd, im2col, pointwise.
  it('backprops are adjoints of the forward over 40 random geometries', () => {
    const rng = new Random(2024);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i], 0);
    for (let trial = 0; trial < 40; trial++) {
      const winograd = trial % 4 === 0;
      const k = winograd ? 3 : 1 + rng.int(4);
      const stride = winograd ? 1 : 1 + rng.int(3);
      const dilation = winograd || rng.next() < 0.7 ? 1 : 2;
      const padding = rng.next() < 0.5 ? 'same' : 'valid';
      const span = (k - 1) * dilation + 1;
      const h = span + rng.int(8);
      const w = span + rng.int(8);
      const cin = winograd ? 8 + rng.int(5) : 1 + rng.int(6);
      const cout = winograd ? 8 + rng.int(5) : 1 + rng.int(6);
      const o = opt(stride, padding, dilation);
      const x = randomTensor([1 + rng.int(3), h, w, cin], 100 + trial);
      const f = randomTensor([k, k, cin, cout], 200 + trial);
      const y = conv2d(x, f, o);
      const dy = randomTensor([...y.shape], 300 + trial);
      const forward = dot(y.data, dy.data);
      const viaInput = dot(x.data, conv2dBackpropInput(dy, f, x.shape, o).data);
      const viaFilter = dot(f.data, conv2dBackpropFilter(x, dy, f.shape, o).data);
      const label = `trial ${trial}: x ${JSON.stringify(x.shape)} k ${k} s ${stride} d ${dilation} ${padding}`;
      // float32 results summed in float64: relative error ~1e-6 of the sum of |terms|.
      const scale = Math.sqrt(y.size) * Math.sqrt(k * k * cin) + 1;
      expect(Math.abs(viaInput - forward), label).toBeLessThan(1e-4 * scale);
      expect(Math.abs(viaFilter - forward), label).toBeLessThan(1e-4 * scale);
    }
  });

  it('matches a hand-computed 3x3 valid conv', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tensor([1, 0, 0, -1], [2, 2, 1, 1]);
    const y = conv2d(x, w, opt(1, 'valid'));
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect([...y.data]).toEqual([-4, -4, -4, -4]);
  });

  it('does not mutate its inputs', () => {
    const x = randomTensor([1, 4, 4, 2], 1);
    const w = randomTensor([3, 3, 2, 2], 2);
    const [xc, wc] = [x.data.slice(), w.data.slice()];
    conv2d(x, w, opt(1, 'same'));
    conv2dBackpropFilter(x, conv2d(x, w, opt(1, 'same')), w.shape, opt(1, 'same'));
    expect(x.data).toEqual(xc);
    expect(w.data).toEqual(wc);
  });
});

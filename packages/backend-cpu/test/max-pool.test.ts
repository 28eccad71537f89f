import { fill, tensor, type MaxPoolOptions } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { maxPool, maxPoolBackward, maxPoolInference } from '../src/kernels/max-pool.js';
import { randomTensor } from './support.js';

/** Naive NHWC max pool with its own SAME_UPPER padding; windows skip padded taps. */
function reference(shape: number[], x: Float32Array, o: MaxPoolOptions) {
  const [N, H, W, C] = shape;
  const dim = (size: number, k: number, s: number): [number, number] => {
    if (o.padding === 'valid') return [Math.floor((size - k) / s) + 1, 0];
    const out = Math.ceil(size / s);
    return [out, Math.floor(Math.max((out - 1) * s + k - size, 0) / 2)];
  };
  const [OH, pt] = dim(H, o.poolSize[0], o.strides[0]);
  const [OW, pl] = dim(W, o.poolSize[1], o.strides[1]);
  const y: number[] = [];
  const argmax: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let c = 0; c < C; c++) {
          let best = NaN;
          let at = -1;
          for (let ky = 0; ky < o.poolSize[0]; ky++)
            for (let kx = 0; kx < o.poolSize[1]; kx++) {
              const iy = oy * o.strides[0] - pt + ky;
              const ix = ox * o.strides[1] - pl + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              const i = ((n * H + iy) * W + ix) * C + c;
              if (at < 0 || x[i] > best) [best, at] = [x[i], i];
            }
          y.push(best);
          argmax.push(at);
        }
  return { y, argmax, outShape: [N, OH, OW, C] };
}

const pool = (k: number, s: number, padding: 'same' | 'valid'): MaxPoolOptions => ({ poolSize: [k, k], strides: [s, s], padding });

describe('maxPool', () => {
  it('propagates NaN: a NaN anywhere in the window wins, the first one stays', () => {
    // One image 2x2, one channel; windows 2x2 cover it all.
    const later = maxPool(tensor([1, 5, Number.NaN, 2], [1, 2, 2, 1]), pool(2, 2, 'valid'));
    expect(Number.isNaN(later.y.data[0])).toBe(true);
    expect(later.argmax[0]).toBe(2);
    const twice = maxPool(tensor([Number.NaN, 5, Number.NaN, 2], [1, 2, 2, 1]), pool(2, 2, 'valid'));
    expect(twice.argmax[0]).toBe(0);
  });

  const cases: [string, number[], MaxPoolOptions, number, number][] = [
    ['2x2 stride 2 valid', [2, 6, 6, 3], pool(2, 2, 'valid'), -1, 1],
    ['odd size, 3x3 stride 2 same', [2, 7, 5, 2], pool(3, 2, 'same'), -1, 1],
    ['overlapping 3x3 stride 1 same', [1, 4, 5, 2], pool(3, 1, 'same'), -1, 1],
    ['all-negative windows with same padding', [1, 5, 5, 2], pool(3, 2, 'same'), -9, -5],
    ['batch 1, 1x1 spatial, same', [1, 1, 1, 4], pool(2, 2, 'same'), -3, -1],
    ['one channel, rectangular window', [3, 6, 7, 1], { poolSize: [2, 3], strides: [2, 1], padding: 'valid' }, -1, 1],
  ];
  cases.forEach(([name, shape, o, lo, hi], i) => {
    it(name, () => {
      const x = randomTensor(shape, 40 + i, lo, hi);
      const { y, argmax } = maxPool(x, o);
      const ref = reference(shape, x.data, o);
      expect(y.shape).toEqual(ref.outShape);
      expect([...y.data]).toEqual(ref.y.map(Math.fround));
      expect([...argmax]).toEqual(ref.argmax);
    });
  });

  it('windows of values below -1e30 still report a real element', () => {
    const x = fill([1, 3, 3, 1], -3e38);
    x.data[4] = -Infinity;
    const { y, argmax } = maxPool(x, pool(2, 2, 'same'));
    expect([...y.data]).toEqual([-3e38, -3e38, -3e38, -3e38].map(Math.fround));
    expect([...argmax]).toEqual([0, 2, 6, 8]);
  });

  it('ties keep the first element in the window', () => {
    const x = tensor([5, 5, 5, 5], [1, 2, 2, 1]);
    expect([...maxPool(x, pool(2, 2, 'valid')).argmax]).toEqual([0]);
  });
});

describe('maxPoolInference', () => {
  it("gives maxPool's y bit for bit (NaN payloads, -0 before +0), without computing an argmax", () => {
    const shape = [2, 7, 6, 3];
    const x = randomTensor(shape, 11);
    const bits = new Uint32Array(x.data.buffer, x.data.byteOffset, x.size);
    for (let i = 0; i < x.size; i += 13) x.data[i] = [NaN, -0, 0, Infinity, -Infinity][(i / 13) % 5];
    for (let i = 5; i < x.size; i += 41) bits[i] = 0xffc00001; // a negative NaN with a payload
    for (const o of [pool(2, 2, 'valid'), pool(3, 2, 'same'), pool(3, 1, 'valid'), pool(2, 3, 'same')]) {
      const want = new Uint32Array(maxPool(x, o).y.data.slice().buffer);
      expect(new Uint32Array(maxPoolInference(x, o).data.slice().buffer)).toEqual(want);
    }
  });
});

describe('maxPoolBackward', () => {
  it('routes dy to argmax and adds up overlapping windows', () => {
    const x = tensor([1, 9, 2, 3, 4, 5, 6, 7, 8], [1, 3, 3, 1]);
    const { y, argmax } = maxPool(x, pool(2, 1, 'valid'));
    expect([...y.data]).toEqual([9, 9, 7, 8]);
    const dx = maxPoolBackward(tensor([1, 2, 3, 4], [1, 2, 2, 1]), argmax, x.shape);
    expect([...dx.data]).toEqual([0, 3, 0, 0, 0, 0, 0, 3, 4]);
  });
});

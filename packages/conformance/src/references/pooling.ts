import { array64, type Array64 } from './array64.js';
import { refAxis } from './conv.js';

/*
 * NHWC max pooling. Padded positions of 'same' windows never take part: the
 * maximum starts from the first real element of the window, so a window of
 * negative values returns a negative maximum. Ties keep the first index in
 * row-major window order.
 */

export interface RefPool {
  poolSize: readonly [number, number];
  strides: readonly [number, number];
  padding: 'same' | 'valid';
}

export interface RefMaxPool {
  y: Array64;
  /** Flat NHWC index into x of each output's maximum. */
  argmax: Int32Array;
}

export function refMaxPool(x: Array64, o: RefPool): RefMaxPool {
  const [n, h, w, c] = x.shape;
  const ah = refAxis(h, o.poolSize[0], o.strides[0], 1, o.padding);
  const aw = refAxis(w, o.poolSize[1], o.strides[1], 1, o.padding);
  const y = array64([n, ah.out, aw.out, c]);
  const argmax = new Int32Array(y.data.length);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ah.out; oy++) {
      for (let ox = 0; ox < aw.out; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          for (let ky = 0; ky < o.poolSize[0]; ky++) {
            const iy = oy * o.strides[0] - ah.before + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < o.poolSize[1]; kx++) {
              const ix = ox * o.strides[1] - aw.before + kx;
              if (ix < 0 || ix >= w) continue;
              const i = ((b * h + iy) * w + ix) * c + ch;
              if (best < 0 || x.data[i] > x.data[best]) best = i;
            }
          }
          const o2 = ((b * ah.out + oy) * aw.out + ox) * c + ch;
          y.data[o2] = x.data[best];
          argmax[o2] = best;
        }
      }
    }
  }
  return { y, argmax };
}

/** dx[argmax[i]] += dy[i]: overlapping windows add up. */
export function refMaxPoolBackward(dy: Array64, argmax: Int32Array, inputShape: readonly number[]): Array64 {
  const dx = array64(inputShape);
  for (let i = 0; i < argmax.length; i++) dx.data[argmax[i]] += dy.data[i];
  return dx;
}

import { array64, type Array64 } from './array64.js';

/*
 * NHWC conv with HWIO filters. Padding is derived here from scratch, as
 * TensorFlow defines 'same' (SAME_UPPER): out = ceil(in / stride), total
 * padding = max((out - 1) * stride + dilated kernel - in, 0), and the odd extra
 * row or column goes at the end (bottom/right).
 */

export interface RefWindow {
  strides: readonly [number, number];
  padding: 'same' | 'valid';
  dilations: readonly [number, number];
}

export interface RefAxis {
  out: number;
  /** Padding before the first element (top or left). */
  before: number;
}

export function refAxis(size: number, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid'): RefAxis {
  const span = dilation * (kernel - 1) + 1;
  if (padding === 'valid') return { out: Math.floor((size - span) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + span - size);
  return { out, before: Math.floor(total / 2) };
}

interface ConvDims {
  n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number;
  oh: number; ow: number; top: number; left: number;
}

function convDims(xShape: readonly number[], fShape: readonly number[], o: RefWindow): ConvDims {
  const [n, h, w, ci] = xShape;
  const [kh, kw, , co] = fShape;
  const ah = refAxis(h, kh, o.strides[0], o.dilations[0], o.padding);
  const aw = refAxis(w, kw, o.strides[1], o.dilations[1], o.padding);
  return { n, h, w, ci, co, kh, kw, oh: ah.out, ow: aw.out, top: ah.before, left: aw.before };
}

/**
 * Visits every (output position, filter tap) pair that reads a real input
 * element; forward and both backward passes are this one loop with a
 * different multiply-accumulate, so they cannot disagree on geometry.
 */
function forEachTap(
  d: ConvDims,
  o: RefWindow,
  visit: (xBase: number, fBase: number, yBase: number) => void,
): void {
  for (let b = 0; b < d.n; b++) {
    for (let oy = 0; oy < d.oh; oy++) {
      for (let ox = 0; ox < d.ow; ox++) {
        const yBase = ((b * d.oh + oy) * d.ow + ox) * d.co;
        for (let ky = 0; ky < d.kh; ky++) {
          const iy = oy * o.strides[0] - d.top + ky * o.dilations[0];
          if (iy < 0 || iy >= d.h) continue;
          for (let kx = 0; kx < d.kw; kx++) {
            const ix = ox * o.strides[1] - d.left + kx * o.dilations[1];
            if (ix < 0 || ix >= d.w) continue;
            visit(((b * d.h + iy) * d.w + ix) * d.ci, (ky * d.kw + kx) * d.ci * d.co, yBase);
          }
        }
      }
    }
  }
}

export function refConvOutputShape(xShape: readonly number[], fShape: readonly number[], o: RefWindow): number[] {
  const d = convDims(xShape, fShape, o);
  return [d.n, d.oh, d.ow, d.co];
}

export function refConv2d(x: Array64, f: Array64, o: RefWindow): Array64 {
  const d = convDims(x.shape, f.shape, o);
  const y = array64([d.n, d.oh, d.ow, d.co]);
  forEachTap(d, o, (xb, fb, yb) => {
    for (let c = 0; c < d.ci; c++) {
      const xv = x.data[xb + c];
      for (let k = 0; k < d.co; k++) y.data[yb + k] += xv * f.data[fb + c * d.co + k];
    }
  });
  return y;
}

/** dx = sum over taps of dy * filter, scattered back to the input positions. */
export function refConv2dBackpropInput(dy: Array64, f: Array64, inputShape: readonly number[], o: RefWindow): Array64 {
  const d = convDims(inputShape, f.shape, o);
  const dx = array64(inputShape);
  forEachTap(d, o, (xb, fb, yb) => {
    for (let c = 0; c < d.ci; c++) {
      let s = 0;
      for (let k = 0; k < d.co; k++) s += dy.data[yb + k] * f.data[fb + c * d.co + k];
      dx.data[xb + c] += s;
    }
  });
  return dx;
}

/** dfilter = sum over positions of x * dy. */
export function refConv2dBackpropFilter(x: Array64, dy: Array64, filterShape: readonly number[], o: RefWindow): Array64 {
  const d = convDims(x.shape, filterShape, o);
  const df = array64(filterShape);
  forEachTap(d, o, (xb, fb, yb) => {
    for (let c = 0; c < d.ci; c++) {
      const xv = x.data[xb + c];
      for (let k = 0; k < d.co; k++) df.data[fb + c * d.co + k] += xv * dy.data[yb + k];
    }
  });
  return df;
}

import { argmaxRangeError, makeTensor, outputFloat32, poolGeometry, sizeOf, type MaxPoolOptions, type MaxPoolResult, type Shape, type Tensor, type WindowGeometry } from '@batchwise/core';

/*
 * NHWC max pooling. Each window is clipped to the input, so 'same' padding
 * never wins (as in TF, padded taps are absent rather than -Infinity). The
 * running maximum starts from the window's first in-bounds element, not from a
 * large negative constant, so a window of values below that constant (or of
 * -Infinity) still reports a real element. Ties keep the first element in
 * row-major window order (strict >), which is also the smallest flat index.
 * A NaN wins over every number and the first NaN stays, so NaN propagates as
 * in TensorFlow (and as the native backend does).
 */

/** The rule above: v replaces the best so far when greater, or when v is the first NaN. */
function wins(v: number, best: number): boolean {
  return v > best || (v !== v && best === best);
}

/**
 * y and, unless it is null (inference: no gradient will read it), argmax (flat index into x) for
 * NHWC x; channels run innermost for contiguous access. The values do not depend on argmax.
 */
export function maxPoolImpl(x: Float32Array, g: WindowGeometry, y: Float32Array, argmax: Int32Array | null): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, strideHeight: SH, strideWidth: SW, padTop, padLeft } = g;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const image = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * SH - padTop, 0);
      const y1 = Math.min(oy * SH - padTop + KH, H);
      for (let ox = 0; ox < OW; ox++, o += C) {
        const x0 = Math.max(ox * SW - padLeft, 0);
        const x1 = Math.min(ox * SW - padLeft + KW, W);
        // Geometry guarantees each window holds at least one input element.
        const first = image + (y0 * W + x0) * C;
        for (let c = 0; c < C; c++) y[o + c] = x[first + c];
        if (argmax !== null) for (let c = 0; c < C; c++) argmax[o + c] = first + c;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const at = image + (iy * W + ix) * C;
            // One test per tap, not per element, for whether indices are wanted.
            if (argmax === null) {
              for (let c = 0; c < C; c++) if (wins(x[at + c], y[o + c])) y[o + c] = x[at + c];
            } else {
              for (let c = 0; c < C; c++) {
                if (wins(x[at + c], y[o + c])) {
                  y[o + c] = x[at + c];
                  argmax[o + c] = at + c;
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * dx[argmax[i]] += dy[i]; overlapping windows (stride < pool) add up. dx is
 * overwritten. An index outside dx throws argmaxRangeError's error (dx is then
 * partly written: callers pass their own fresh output).
 */
export function maxPoolBackwardImpl(dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  dx.fill(0);
  const n = dx.length;
  for (let i = 0; i < dy.length; i++) {
    const j = argmax[i];
    if (!(j >= 0 && j < n)) throw argmaxRangeError(argmax, n) as Error;
    dx[j] += dy[i];
  }
}

/** The `maxPool` kernel: output and, per output element, the flat index into x of its maximum. */
export function maxPool(x: Tensor, options: MaxPoolOptions): MaxPoolResult {
  const g = poolGeometry(x.shape, options);
  const size = g.batch * g.outHeight * g.outWidth * g.inChannels;
  const y = outputFloat32(size);
  const argmax = new Int32Array(size);
  maxPoolImpl(x.data, g, y, argmax);
  return { y: makeTensor(y, [g.batch, g.outHeight, g.outWidth, g.inChannels]), argmax };
}

/** The `maxPoolInference` kernel: maxPool's output, without an argmax. */
export function maxPoolInference(x: Tensor, options: MaxPoolOptions): Tensor {
  const g = poolGeometry(x.shape, options, 'maxPoolInference');
  const y = outputFloat32(g.batch * g.outHeight * g.outWidth * g.inChannels);
  maxPoolImpl(x.data, g, y, null);
  return makeTensor(y, [g.batch, g.outHeight, g.outWidth, g.inChannels]);
}

/** The `maxPoolBackward` kernel: routes each dy to the element that won its window. */
export function maxPoolBackward(dy: Tensor, argmax: Int32Array, inputShape: Shape): Tensor {
  const dx = outputFloat32(sizeOf(inputShape));
  maxPoolBackwardImpl(dy.data, argmax, dx);
  return makeTensor(dx, inputShape);
}

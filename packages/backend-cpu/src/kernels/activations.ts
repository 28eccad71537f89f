import { makeTensor, outputFloat32, rowsByLastAxis, type Tensor } from '@batchwise/core';

/*
 * Activations and their backward passes. Backward takes the forward output y
 * (not x), as every derivative here is cheapest in terms of y:
 * relu' = [y > 0], sigmoid' = y(1-y), tanh' = 1-y^2, softmax' = y(dy - <dy,y>).
 */

/** y = max(x, 0); NaN passes through so a diverging model stays visible. */
export function reluImpl(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v < 0 ? 0 : v;
  }
}

/** dx = dy where y > 0, else 0. */
export function reluBackwardImpl(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

/** Logistic sigmoid; for x < 0 uses e^x/(1+e^x) so exp never overflows. */
export function sigmoidImpl(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= 0) {
      y[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
}

/** dx = dy * y * (1 - y). */
export function sigmoidBackwardImpl(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) {
    const s = y[i];
    dx[i] = dy[i] * s * (1 - s);
  }
}

/** y = tanh(x). */
export function tanhImpl(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
}

/** dx = dy * (1 - y^2). */
export function tanhBackwardImpl(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) {
    const t = y[i];
    dx[i] = dy[i] * (1 - t * t);
  }
}

/** Softmax over rows of length `channels`; subtracting the row max keeps exp from overflowing. */
export function softmaxImpl(x: Float32Array, rows: number, channels: number, y: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    let max = x[o];
    for (let c = 1; c < channels; c++) if (x[o + c] > max) max = x[o + c];
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const e = Math.exp(x[o + c] - max);
      y[o + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < channels; c++) y[o + c] *= inv;
  }
}

/** dx = y * (dy - sum(dy * y)) per row (the softmax Jacobian-vector product). */
export function softmaxBackwardImpl(dy: Float32Array, y: Float32Array, rows: number, channels: number, dx: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    let dot = 0;
    for (let c = 0; c < channels; c++) dot += dy[o + c] * y[o + c];
    for (let c = 0; c < channels; c++) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
}

type UnaryImpl = (x: Float32Array, y: Float32Array) => void;
type BackwardImpl = (dy: Float32Array, y: Float32Array, dx: Float32Array) => void;

function unary(impl: UnaryImpl, x: Tensor): Tensor {
  const y = outputFloat32(x.size);
  impl(x.data, y);
  return makeTensor(y, x.shape);
}

function backward(impl: BackwardImpl, dy: Tensor, y: Tensor): Tensor {
  const dx = outputFloat32(dy.size);
  impl(dy.data, y.data, dx);
  return makeTensor(dx, dy.shape);
}

/** The `relu` kernel: max(x, 0). */
export const relu = (x: Tensor): Tensor => unary(reluImpl, x);
/** The `reluBackward` kernel, given the forward output y. */
export const reluBackward = (dy: Tensor, y: Tensor): Tensor => backward(reluBackwardImpl, dy, y);
/** The `sigmoid` kernel: 1 / (1 + e^-x), overflow-free. */
export const sigmoid = (x: Tensor): Tensor => unary(sigmoidImpl, x);
/** The `sigmoidBackward` kernel, given the forward output y. */
export const sigmoidBackward = (dy: Tensor, y: Tensor): Tensor => backward(sigmoidBackwardImpl, dy, y);
/** The `tanh` kernel. */
export const tanh = (x: Tensor): Tensor => unary(tanhImpl, x);
/** The `tanhBackward` kernel, given the forward output y. */
export const tanhBackward = (dy: Tensor, y: Tensor): Tensor => backward(tanhBackwardImpl, dy, y);

/** The `softmax` kernel, over the last axis. */
export function softmax(x: Tensor): Tensor {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const y = outputFloat32(x.size);
  softmaxImpl(x.data, rows, channels, y);
  return makeTensor(y, x.shape);
}

/** The `softmaxBackward` kernel, given the forward output y. */
export function softmaxBackward(dy: Tensor, y: Tensor): Tensor {
  const { rows, channels } = rowsByLastAxis(dy.shape);
  const dx = outputFloat32(dy.size);
  softmaxBackwardImpl(dy.data, y.data, rows, channels, dx);
  return makeTensor(dx, dy.shape);
}

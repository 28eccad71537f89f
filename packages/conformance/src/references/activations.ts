import { array64, lastAxisRows, type Array64 } from './array64.js';

/* Activations and their backward passes, which take the forward output y. */

function map(x: Array64, f: (v: number) => number): Array64 {
  return array64(x.shape, x.data.map(f));
}

function zip(a: Array64, b: Array64, f: (u: number, v: number) => number): Array64 {
  return array64(a.shape, a.data.map((u, i) => f(u, b.data[i])));
}

export const refRelu = (x: Array64): Array64 => map(x, (v) => (v > 0 ? v : 0));
export const refReluBackward = (dy: Array64, y: Array64): Array64 => zip(dy, y, (g, v) => (v > 0 ? g : 0));

export const refSigmoid = (x: Array64): Array64 => map(x, (v) => 1 / (1 + Math.exp(-v)));
export const refSigmoidBackward = (dy: Array64, y: Array64): Array64 => zip(dy, y, (g, v) => g * v * (1 - v));

export const refTanh = (x: Array64): Array64 => map(x, Math.tanh);
export const refTanhBackward = (dy: Array64, y: Array64): Array64 => zip(dy, y, (g, v) => g * (1 - v * v));

/** Softmax over the last axis, shifted by the row maximum so large logits do not overflow. */
export function refSoftmax(x: Array64): Array64 {
  const { rows, channels } = lastAxisRows(x.shape);
  const y = array64(x.shape);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < channels; c++) m = Math.max(m, x.data[r * channels + c]);
    let s = 0;
    for (let c = 0; c < channels; c++) s += Math.exp(x.data[r * channels + c] - m);
    for (let c = 0; c < channels; c++) y.data[r * channels + c] = Math.exp(x.data[r * channels + c] - m) / s;
  }
  return y;
}

/** dx = y * (dy - sum(dy * y)) per row: the softmax Jacobian-vector product. */
export function refSoftmaxBackward(dy: Array64, y: Array64): Array64 {
  const { rows, channels } = lastAxisRows(y.shape);
  const dx = array64(y.shape);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let c = 0; c < channels; c++) dot += dy.data[r * channels + c] * y.data[r * channels + c];
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      dx.data[i] = y.data[i] * (dy.data[i] - dot);
    }
  }
  return dx;
}

/** Inverted dropout given its mask: y = x * mask, dx = dy * mask. */
export const refDropoutApply = (x: Array64, mask: Array64): Array64 => zip(x, mask, (u, m) => u * m);

/** biasAdd: bias broadcast along the last axis. */
export function refBiasAdd(x: Array64, bias: Array64): Array64 {
  const { channels } = lastAxisRows(x.shape);
  return array64(x.shape, x.data.map((v, i) => v + bias.data[i % channels]));
}

/** biasGrad: dy summed over every axis but the last. */
export function refBiasGrad(dy: Array64): Array64 {
  const { rows, channels } = lastAxisRows(dy.shape);
  const out = array64([channels]);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) out.data[c] += dy.data[r * channels + c];
  return out;
}

import { makeTensor, outputFloat32, rowsByLastAxis, type Tensor } from '@batchwise/core';
import { channelSums } from './channel-loops.js';

/* Bias on the last axis (features, or NHWC channels): x viewed as [rows, channels]. */

/** y[r,c] = x[r,c] + bias[c]. */
export function biasAddImpl(x: Float32Array, bias: Float32Array, rows: number, channels: number, y: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) y[o + c] = x[o + c] + bias[c];
  }
}

/** db[c] = sum over rows of dy[r,c], accumulated in float64 (a batch reduction). */
export function biasGradImpl(dy: Float32Array, rows: number, channels: number, db: Float32Array): void {
  const acc = new Float64Array(channels);
  channelSums(dy, rows, channels, acc);
  for (let c = 0; c < channels; c++) db[c] = acc[c];
}

/** The `biasAdd` kernel. */
export function biasAdd(x: Tensor, bias: Tensor): Tensor {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const y = outputFloat32(x.size);
  biasAddImpl(x.data, bias.data, rows, channels, y);
  return makeTensor(y, x.shape);
}

/** The `biasGrad` kernel: dy summed over every axis but the last, shape [channels]. */
export function biasGrad(dy: Tensor): Tensor {
  const { rows, channels } = rowsByLastAxis(dy.shape);
  const db = outputFloat32(channels);
  biasGradImpl(dy.data, rows, channels, db);
  return makeTensor(db, [channels]);
}

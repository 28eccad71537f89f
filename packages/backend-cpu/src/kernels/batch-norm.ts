import {
  makeTensor,
  rowsByLastAxis,
  type BatchNormBackwardParams,
  type BatchNormGradients,
  type BatchNormInferenceParams,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
  type Tensor,
} from '@batchwise/core';

/*
 * Batch normalization (Ioffe & Szegedy 2015) over every axis but the last:
 * x is viewed as [rows, channels] (NHWC puts the channel last). Statistics
 * accumulate in float64 per channel while walking rows, so memory is read in
 * order. The variance is biased (divided by N, as Keras and TF.js) and
 * computed in two passes, mean first then squared deviations, which keeps its
 * digits on data offset by 1e4 where E[x^2] - E[x]^2 would lose them all.
 */

/** Per-channel statistics of x ([rows, channels]) in float64: mean and biased variance. */
export function channelMoments(
  x: Float32Array, rows: number, channels: number, mean: Float64Array, variance: Float64Array,
): void {
  mean.fill(0);
  variance.fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) mean[c] += x[o + c];
  }
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) {
      const d = x[o + c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= rows;
}

/** y[r,c] = x[r,c] * scale[c] + shift[c]: the inner loop of inference. */
export function scaleShiftRows(
  x: Float32Array, y: Float32Array, rows: number, channels: number, scale: Float64Array, shift: Float64Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) y[o + c] = x[o + c] * scale[c] + shift[c];
  }
}

/** Inference folds the affine normalization into scale = gamma/sqrt(var+eps), shift = beta - mean*scale. */
export function foldToScaleShift(p: BatchNormInferenceParams): { scale: Float64Array; shift: Float64Array } {
  const channels = p.mean.size;
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    scale[c] = p.gamma.data[c] / Math.sqrt(p.variance.data[c] + p.epsilon);
    shift[c] = p.beta.data[c] - p.mean.data[c] * scale[c];
  }
  return { scale, shift };
}

/** The `batchNormTraining` kernel: normalizes with batch statistics and returns them for backward. */
export function batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormTrainingOptions): BatchNormTrainingResult {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const mean64 = new Float64Array(channels);
  const var64 = new Float64Array(channels);
  channelMoments(x.data, rows, channels, mean64, var64);
  const invStd = new Float32Array(channels);
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = 1 / Math.sqrt(var64[c] + options.epsilon);
    invStd[c] = inv;
    // A constant channel has x - mean = 0 and gives exactly y = beta.
    scale[c] = gamma.data[c] * inv;
  }
  const y = new Float32Array(x.size);
  normalizeRows(x.data, y, rows, channels, mean64, scale, beta.data);
  return {
    y: makeTensor(y, x.shape),
    mean: makeTensor(Float32Array.from(mean64), [channels]),
    variance: makeTensor(Float32Array.from(var64), [channels]),
    invStd: makeTensor(invStd, [channels]),
  };
}

/**
 * y = (x - mean) * scale + beta. Subtracting the mean before scaling (rather
 * than x*scale + shift) keeps precision when |mean| >> std, e.g. data near 1e4.
 */
function normalizeRows(
  x: Float32Array, y: Float32Array, rows: number, channels: number,
  mean: Float64Array, scale: Float64Array, beta: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) y[o + c] = (x[o + c] - mean[c]) * scale[c] + beta[c];
  }
}

/** The `batchNormInference` kernel: moving statistics folded into one multiply-add per element. */
export function batchNormInference(x: Tensor, p: BatchNormInferenceParams): Tensor {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const y = new Float32Array(x.size);
  const { scale, shift } = foldToScaleShift(p);
  scaleShiftRows(x.data, y, rows, channels, scale, shift);
  return makeTensor(y, x.shape);
}

/**
 * The `batchNormBackward` kernel, with xhat = (x - mean) * invStd:
 *   dbeta = sum dy,  dgamma = sum dy * xhat,
 *   dx = gamma * invStd / N * (N * dy - dbeta - xhat * dgamma).
 * Pass one reduces (float64), pass two writes dx, mirroring the forward's passes.
 */
export function batchNormBackward(dy: Tensor, p: BatchNormBackwardParams): BatchNormGradients {
  const { rows, channels } = rowsByLastAxis(dy.shape);
  const x = p.x.data;
  const g = dy.data;
  const mean = p.mean.data;
  const invStd = p.invStd.data;
  const dbeta64 = new Float64Array(channels);
  const dgamma64 = new Float64Array(channels);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) {
      const d = g[o + c];
      dbeta64[c] += d;
      dgamma64[c] += d * (x[o + c] - mean[c]) * invStd[c];
    }
  }
  // Per channel: dx = k * (dy - dbeta/N - xhat * dgamma/N) with k = gamma * invStd.
  const k = new Float64Array(channels);
  const meanDy = new Float64Array(channels);
  const meanDyXhat = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    k[c] = p.gamma.data[c] * invStd[c];
    meanDy[c] = dbeta64[c] / rows;
    meanDyXhat[c] = dgamma64[c] / rows;
  }
  const dx = new Float32Array(dy.size);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) {
      const xhat = (x[o + c] - mean[c]) * invStd[c];
      dx[o + c] = k[c] * (g[o + c] - meanDy[c] - xhat * meanDyXhat[c]);
    }
  }
  return {
    dx: makeTensor(dx, dy.shape),
    dgamma: makeTensor(Float32Array.from(dgamma64), [channels]),
    dbeta: makeTensor(Float32Array.from(dbeta64), [channels]),
  };
}

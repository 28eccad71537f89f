import {
  makeTensor,
  outputFloat32,
  rowsByLastAxis,
  type BatchNormBackwardParams,
  type BatchNormGradients,
  type BatchNormInferenceParams,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
  type Tensor,
} from '@batchwise/core';
import { channelCombine, channelNormalize, channelSquaredDeviations, channelSumAndCenteredDot, channelSums } from './channel-loops.js';

/*
 * Batch normalization (Ioffe & Szegedy 2015) over every axis but the last:
 * x is viewed as [rows, channels] (NHWC puts the channel last). Statistics
 * accumulate in float64 per channel (channel-loops.ts). The variance is
 * biased (divided by N, as Keras and TF.js) and computed in two passes, mean
 * first then squared deviations, which keeps its digits on data offset by 1e4
 * where E[x^2] - E[x]^2 would lose them all. Outputs subtract the mean before
 * scaling, y = (x - mean) * gamma * invStd + beta, for the same reason; a
 * constant channel then gives exactly beta.
 */

/** Per-channel statistics of x ([rows, channels]) in float64: mean and biased variance (two passes). */
export function channelMoments(
  x: Float32Array, rows: number, channels: number, mean: Float64Array, variance: Float64Array,
): void {
  mean.fill(0);
  variance.fill(0);
  channelSums(x, rows, channels, mean);
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  channelSquaredDeviations(x, rows, channels, mean, variance);
  for (let c = 0; c < channels; c++) variance[c] /= rows;
}

/** The `batchNormTraining` kernel: normalizes with batch statistics and returns them for backward. */
export function batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormTrainingOptions): BatchNormTrainingResult {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  channelMoments(x.data, rows, channels, mean, variance);
  const invStd = outputFloat32(channels);
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = 1 / Math.sqrt(variance[c] + options.epsilon);
    invStd[c] = inv;
    scale[c] = gamma.data[c] * inv;
  }
  const y = outputFloat32(x.size);
  channelNormalize(x.data, rows, channels, mean, scale, beta.data, y);
  return {
    y: makeTensor(y, x.shape),
    mean: makeTensor(Float32Array.from(mean), [channels]),
    variance: makeTensor(Float32Array.from(variance), [channels]),
    invStd: makeTensor(invStd, [channels]),
  };
}

/**
 * The `batchNormInference` kernel: the moving statistics fold into one
 * per-channel scale gamma / sqrt(var + eps), so each element costs a
 * subtract, a multiply and an add.
 */
export function batchNormInference(x: Tensor, p: BatchNormInferenceParams): Tensor {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const center = Float64Array.from(p.mean.data);
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scale[c] = p.gamma.data[c] / Math.sqrt(p.variance.data[c] + p.epsilon);
  const y = outputFloat32(x.size);
  channelNormalize(x.data, rows, channels, center, scale, p.beta.data, y);
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
  const mean = Float64Array.from(p.mean.data);
  const sumDy = new Float64Array(channels);
  const sumDyCentered = new Float64Array(channels);
  channelSumAndCenteredDot(dy.data, p.x.data, rows, channels, mean, sumDy, sumDyCentered);
  const dgamma = outputFloat32(channels);
  // dx = a * dy + b * (x - mean) + shift per channel, expanding the formula above.
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = p.invStd.data[c];
    const dg = sumDyCentered[c] * inv;
    dgamma[c] = dg;
    a[c] = p.gamma.data[c] * inv;
    b[c] = (-a[c] * inv * dg) / rows;
    shift[c] = (-a[c] * sumDy[c]) / rows;
  }
  const dx = outputFloat32(dy.size);
  channelCombine(dy.data, p.x.data, rows, channels, a, mean, b, shift, dx);
  return {
    dx: makeTensor(dx, dy.shape),
    dgamma: makeTensor(dgamma, [channels]),
    dbeta: makeTensor(Float32Array.from(sumDy), [channels]),
  };
}

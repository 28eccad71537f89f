import { array64, lastAxisRows, type Array64 } from './array64.js';

/*
 * Batch normalization over every axis but the last, as Keras and TF.js define
 * it: biased batch variance (divided by N), invStd = 1 / sqrt(var + eps).
 * The variance is two-pass (mean first, then squared deviations) in float64.
 */

export interface RefBatchNormTraining {
  y: Array64;
  mean: Array64;
  variance: Array64;
  invStd: Array64;
}

export function refBatchNormTraining(x: Array64, gamma: Array64, beta: Array64, epsilon: number): RefBatchNormTraining {
  const { rows, channels } = lastAxisRows(x.shape);
  const mean = array64([channels]);
  const variance = array64([channels]);
  const invStd = array64([channels]);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x.data[r * channels + c];
    const m = s / rows;
    let q = 0;
    for (let r = 0; r < rows; r++) {
      const dev = x.data[r * channels + c] - m;
      q += dev * dev;
    }
    mean.data[c] = m;
    variance.data[c] = q / rows;
    invStd.data[c] = 1 / Math.sqrt(q / rows + epsilon);
  }
  const y = normalize(x, mean, invStd, gamma, beta);
  return { y, mean, variance, invStd };
}

function normalize(x: Array64, mean: Array64, invStd: Array64, gamma: Array64, beta: Array64): Array64 {
  const { rows, channels } = lastAxisRows(x.shape);
  const y = array64(x.shape);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      y.data[i] = gamma.data[c] * (x.data[i] - mean.data[c]) * invStd.data[c] + beta.data[c];
    }
  }
  return y;
}

export function refBatchNormInference(
  x: Array64, mean: Array64, variance: Array64, gamma: Array64, beta: Array64, epsilon: number,
): Array64 {
  const invStd = array64(variance.shape, variance.data.map((v) => 1 / Math.sqrt(v + epsilon)));
  return normalize(x, mean, invStd, gamma, beta);
}

export interface RefBatchNormGradients {
  dx: Array64;
  dgamma: Array64;
  dbeta: Array64;
}

/**
 * With xhat = (x - mean) * invStd: dbeta = sum dy, dgamma = sum dy * xhat,
 * dx = gamma * invStd / N * (N * dy - dbeta - xhat * dgamma)
 * (Ioffe & Szegedy 2015, section 3, with the batch statistics differentiated).
 */
export function refBatchNormBackward(dy: Array64, x: Array64, gamma: Array64, mean: Array64, invStd: Array64): RefBatchNormGradients {
  const { rows, channels } = lastAxisRows(x.shape);
  const dgamma = array64([channels]);
  const dbeta = array64([channels]);
  const dx = array64(x.shape);
  for (let c = 0; c < channels; c++) {
    let sdy = 0;
    let sdyx = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * channels + c;
      sdy += dy.data[i];
      sdyx += dy.data[i] * (x.data[i] - mean.data[c]) * invStd.data[c];
    }
    dbeta.data[c] = sdy;
    dgamma.data[c] = sdyx;
    const k = (gamma.data[c] * invStd.data[c]) / rows;
    for (let r = 0; r < rows; r++) {
      const i = r * channels + c;
      const xhat = (x.data[i] - mean.data[c]) * invStd.data[c];
      dx.data[i] = k * (rows * dy.data[i] - sdy - xhat * sdyx);
    }
  }
  return { dx, dgamma, dbeta };
}

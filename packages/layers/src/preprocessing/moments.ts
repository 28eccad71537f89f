import { InvalidArgumentError, type Tensor } from '@batchwise/core';

export interface FeatureMoments {
  mean: Float64Array;
  /** Population (biased) variance, as Keras Normalization and scikit-learn's StandardScaler. */
  variance: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Values per feature. */
  count: number;
}

/**
 * Per-feature statistics over every axis but the last, in float64 and two
 * passes (mean, then squared deviations) so data offset by 1e4 or 1e7 keeps
 * its digits. NaN or infinite values are an error naming sample and feature.
 */
export function featureMoments(fn: string, data: Tensor): FeatureMoments {
  const c = data.shape[data.rank - 1];
  const rows = c === 0 ? 0 : data.size / c;
  if (rows === 0 || c === 0) throw new InvalidArgumentError(`${fn}: data must hold at least one sample, received shape [${data.shape.join(',')}].`);
  const mean = new Float64Array(c);
  const min = new Float64Array(c).fill(Infinity);
  const max = new Float64Array(c).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      const v = data.data[r * c + j];
      if (!Number.isFinite(v)) {
        throw new InvalidArgumentError(`${fn}: data must be finite, received ${v} at sample ${r}, feature ${j}.`);
      }
      mean[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < c; j++) mean[j] /= rows;
  const variance = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      const d = data.data[r * c + j] - mean[j];
      variance[j] += d * d;
    }
  }
  for (let j = 0; j < c; j++) variance[j] /= rows;
  return { mean, variance, min, max, count: rows };
}

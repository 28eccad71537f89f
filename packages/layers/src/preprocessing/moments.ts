import { InvalidArgumentError, formatShape, ops, type Tensor } from '@batchwise/core';
import { readScalar, readValues } from '../engine/values.js';

export interface FeatureMoments {
  mean: Float64Array;
  /** Population (biased) variance, as Keras Normalization and scikit-learn's StandardScaler. */
  variance: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Values per feature. */
  count: number;
}

/** The same statistics as tensors of shape [features], computed by the backend. */
export interface MomentTensors {
  /** The float32 mean; meanHi + meanLo is the mean to about float64 accuracy. */
  meanHi: Tensor;
  /** The mean of x - meanHi: what rounding the mean to float32 lost. */
  meanLo: Tensor;
  variance: Tensor;
  min: Tensor;
  max: Tensor;
  count: number;
}

/**
 * Throws naming the first non-finite value (sample and feature, row-major) when
 * `check`, a reduction of x that is finite exactly when every value is, is not.
 */
export function requireFinite(fn: string, what: string, x: Tensor, check: Tensor): void {
  if (Number.isFinite(readScalar(check))) return;
  const c = x.shape[x.rank - 1];
  const values = readValues(x);
  const i = values.findIndex((v) => !Number.isFinite(v));
  throw new InvalidArgumentError(`${fn}: ${what} must be finite, received ${values[i]} at sample ${Math.floor(i / c)}, feature ${i % c}.`);
}

/** The float32 mean, the mean of what rounding it lost, and the population variance of a [rows, features] tensor. */
export interface MeanVarianceTensors {
  meanHi: Tensor;
  meanLo: Tensor;
  variance: Tensor;
}

/**
 * Per-feature mean and population variance of a [rows, features] tensor, on
 * kernels: the mean in two parts (the float32 mean, then the mean of what is
 * left), so data offset by 1e4 or 1e7 keeps its digits, and the variance in
 * two passes around it (sums in float64 inside the reductions). Non-finite
 * values propagate (callers that must reject them check meanHi).
 */
export function meanVarianceTensors(x: Tensor): MeanVarianceTensors {
  const down = { axes: [0] };
  const meanHi = ops.mean(x, down);
  const perFeature = (t: Tensor, v: Tensor) => ops.broadcastBinary(t, v, { op: 'sub', axis: -1 });
  // x - meanHi is exact for values within a factor 2 of the mean (Sterbenz), the usual case of offset data.
  const shifted = perFeature(x, meanHi);
  const meanLo = ops.mean(shifted, down);
  const variance = ops.mean(ops.square(perFeature(shifted, meanLo)), down);
  return { meanHi, meanLo, variance };
}

/**
 * Per-feature statistics over every axis but the last, on kernels (see
 * meanVarianceTensors). NaN or infinite values are an error naming sample
 * and feature.
 */
export function featureMomentTensors(fn: string, data: Tensor): MomentTensors {
  const c = data.shape[data.rank - 1];
  const rows = c === 0 ? 0 : data.size / c;
  if (rows === 0 || c === 0) throw new InvalidArgumentError(`${fn}: data must hold at least one sample, received shape ${formatShape(data.shape)}.`);
  const x = data.reshape([rows, c]);
  const { meanHi, meanLo, variance } = meanVarianceTensors(x);
  // A sum over finite float32 values in float64 stays finite, so a non-finite mean means a non-finite value.
  requireFinite(fn, 'data', data, ops.max(ops.abs(meanHi)));
  const down = { axes: [0] };
  const min = ops.neg(ops.max(ops.neg(x), down));
  return { meanHi, meanLo, variance, min, max: ops.max(x, down), count: rows };
}

/** Per-feature mean, population variance, min and max in float64 (see featureMomentTensors). */
export function featureMoments(fn: string, data: Tensor): FeatureMoments {
  const m = featureMomentTensors(fn, data);
  const f64 = (t: Tensor) => Float64Array.from(readValues(t));
  const lo = readValues(m.meanLo);
  return {
    mean: f64(m.meanHi).map((hi, j) => hi + lo[j]),
    variance: f64(m.variance),
    min: f64(m.min),
    max: f64(m.max),
    count: m.count,
  };
}

import { ops, tidy, type Tensor } from '@batchwise/core';
import { toLastAxis } from '../layers/batch-norm-math.js';
import { readValues } from '../engine/values.js';
import { meanVarianceTensors } from '../preprocessing/moments.js';

/**
 * Per-feature statistics of the values a batch norm normalizes: how many
 * values each feature has, their mean and their sum of squared deviations
 * (m2; the biased variance is m2 / count), all in float64 so that batches
 * merge without losing digits.
 */
export interface FeatureStatistics {
  count: number;
  mean: Float64Array;
  m2: Float64Array;
}

/**
 * Statistics of x over every axis but `axis` (the feature axis, resolved),
 * computed on the backend's kernels (two-part mean, two-pass variance, see
 * meanVarianceTensors) and read out once. Non-finite values propagate.
 */
export function featureStatistics(x: Tensor, axis: number): FeatureStatistics {
  return tidy(() => {
    const move = toLastAxis(x.rank, axis);
    const xt = move.perm ? ops.transpose(x, move.perm) : x;
    const channels = xt.shape[xt.rank - 1];
    const count = channels === 0 ? 0 : xt.size / channels;
    const m = meanVarianceTensors(xt.reshape([count, channels]));
    const hi = readValues(m.meanHi);
    const lo = readValues(m.meanLo);
    const variance = readValues(m.variance);
    return {
      count,
      mean: Float64Array.from(hi, (h, j) => h + lo[j]),
      m2: Float64Array.from(variance, (v) => v * count),
    };
  });
}

/**
 * Chan, Golub & LeVeque's parallel update: the statistics of two disjoint
 * sets of values from the statistics of each, exact up to float64 rounding
 * (delta = mean_b - mean_a; m2 = m2_a + m2_b + delta^2 * n_a * n_b / n).
 */
export function mergeStatistics(a: FeatureStatistics, b: FeatureStatistics): FeatureStatistics {
  if (a.count === 0) return b;
  if (b.count === 0) return a;
  const n = a.count + b.count;
  const mean = new Float64Array(a.mean.length);
  const m2 = new Float64Array(a.mean.length);
  for (let j = 0; j < mean.length; j++) {
    const delta = b.mean[j] - a.mean[j];
    mean[j] = a.mean[j] + (delta * b.count) / n;
    m2[j] = a.m2[j] + b.m2[j] + ((delta * delta * a.count) / n) * b.count;
  }
  return { count: n, mean, m2 };
}

/** The biased (population) variance, m2 / count: the Keras/TF.js convention batch norm uses. */
export function varianceOf(s: FeatureStatistics): Float64Array {
  return s.m2.map((v) => v / s.count);
}

/** Statistics of nothing yet: the start of a merge. */
export function emptyStatistics(features: number): FeatureStatistics {
  return { count: 0, mean: new Float64Array(features), m2: new Float64Array(features) };
}

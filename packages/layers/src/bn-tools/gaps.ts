import { readValues } from '../engine/values.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';

/*
 * How far a batch's statistics are from a batch norm's moving ones, in the
 * units inference uses: the mean gap in moving standard deviations
 * (|mean_B - moving_mean| / sqrt(moving_var + eps)), the variance as a ratio
 * ((var_B + eps) / (moving_var + eps)). Both are what a feature's inference
 * output is off by when the batch is representative.
 */

/** A gap beyond this many standard errors is not sampling noise. */
export const NOISE_Z = 3;
/** Fewer values per feature than this make no variance test (see featureGaps). */
export const MIN_VARIANCE_COUNT = 10;
/** Gaps below these are harmless whatever their significance: 0.1 standard deviations, variance within 20 %. */
export const MATERIAL_MEAN_GAP = 0.1;
export const MATERIAL_LOG_VARIANCE_RATIO = Math.log(1.2);

export interface MovingStatistics {
  mean: Float64Array;
  variance: Float64Array;
  epsilon: number;
}

/** A layer's moving mean and variance, read out in float64. */
export function movingStatisticsOf(layer: BatchNormalization): MovingStatistics {
  return {
    mean: Float64Array.from(readValues(layer.movingMean.value)),
    variance: Float64Array.from(readValues(layer.movingVariance.value)),
    epsilon: layer.epsilon,
  };
}

export interface FeatureGaps {
  /** |mean_B - moving_mean| / sqrt(moving_var + eps), per feature. */
  meanGap: Float64Array;
  /** (var_B + eps) / (moving_var + eps), per feature. */
  varianceRatio: Float64Array;
  /** Per feature, how many standard errors of a batch of `count` values the larger of the two gaps is. */
  z: Float64Array;
}

/** Per-feature gaps of batch statistics (count values per feature) from moving ones. */
export function featureGaps(mean: ArrayLike<number>, variance: ArrayLike<number>, count: number, moving: MovingStatistics): FeatureGaps {
  const c = moving.mean.length;
  const meanGap = new Float64Array(c);
  const varianceRatio = new Float64Array(c);
  const z = new Float64Array(c);
  // Standard errors if the moving statistics were the population's and the batch a sample of it:
  // of the mean, 1/sqrt(n) moving standard deviations; of a log variance, sqrt(2 / (n - 1)) (normal
  // data), too skewed below MIN_VARIANCE_COUNT values to test (one of 2 normal values is within 5 %
  // of the other a quarter of the time, making a variance 20x too small).
  const logVarSe = Math.sqrt(2 / Math.max(count - 1, 1));
  for (let j = 0; j < c; j++) {
    const movingVar = moving.variance[j] + moving.epsilon;
    meanGap[j] = Math.abs(mean[j] - moving.mean[j]) / Math.sqrt(movingVar);
    varianceRatio[j] = (variance[j] + moving.epsilon) / movingVar;
    const zVar = count >= MIN_VARIANCE_COUNT ? Math.abs(Math.log(varianceRatio[j])) / logVarSe : 0;
    z[j] = Math.max(meanGap[j] * Math.sqrt(count), zVar);
  }
  return { meanGap, varianceRatio, z };
}

/** The worst feature and its gaps: the one with the largest material gap, NaN first. */
export interface WorstGap {
  feature: number;
  meanGap: number;
  varianceRatio: number;
  z: number;
  /** Some feature is both material and beyond sampling noise. */
  significant: boolean;
}

/** A variance ratio as a factor >= 1 either way (4 for both 4x and 1/4). */
export const ratioFactor = (r: number): number => (r >= 1 ? r : 1 / r);

export function worstGap(g: FeatureGaps): WorstGap {
  let feature = 0;
  let score = -1;
  for (let j = 0; j < g.meanGap.length; j++) {
    const s = Math.max(g.meanGap[j] / MATERIAL_MEAN_GAP, Math.abs(Math.log(g.varianceRatio[j])) / MATERIAL_LOG_VARIANCE_RATIO);
    const v = Number.isNaN(s) ? Infinity : s;
    if (v > score) {
      score = v;
      feature = j;
    }
  }
  const significant = g.z.some((z, j) => {
    const material = g.meanGap[j] > MATERIAL_MEAN_GAP || Math.abs(Math.log(g.varianceRatio[j])) > MATERIAL_LOG_VARIANCE_RATIO;
    return (material && z > NOISE_Z) || !Number.isFinite(z);
  });
  return { feature, meanGap: g.meanGap[feature] ?? 0, varianceRatio: g.varianceRatio[feature] ?? 1, z: g.z[feature] ?? 0, significant };
}

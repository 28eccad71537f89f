import { assertBoolean, fill, keep, type Tensor } from '@batchwise/core';
import { readValues } from '../engine/values.js';
import { featureMomentTensors } from './moments.js';
import { FeatureScaler, featureVector } from './scaler.js';

export interface StandardScalerArgs {
  /** Subtract the mean. Default true. */
  withMean?: boolean;
  /** Divide by the standard deviation. Default true. */
  withStd?: boolean;
}

/**
 * z = (x - mean) / std per feature, std the population standard deviation
 * (as scikit-learn). A constant feature has std 0: it is divided by 1
 * instead, so it maps to 0 rather than NaN (scikit-learn does the same).
 */
export class StandardScaler extends FeatureScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  mean: Float64Array | null = null;
  variance: Float64Array | null = null;

  constructor(args: StandardScalerArgs = {}) {
    super('StandardScaler');
    this.withMean = args.withMean ?? true;
    this.withStd = args.withStd ?? true;
    assertBoolean('standardScaler', 'withMean', this.withMean);
    assertBoolean('standardScaler', 'withStd', this.withStd);
  }

  fit(x: Tensor): this {
    const m = featureMomentTensors('StandardScaler fit', x);
    const c = m.variance.size;
    const lo = readValues(m.meanLo);
    this.mean = Float64Array.from(readValues(m.meanHi), (hi, j) => hi + lo[j]);
    this.variance = Float64Array.from(readValues(m.variance));
    // 1 / std from the float64 statistics, rounded to float32 once.
    const scale = this.variance.map((v) => (this.withStd && v > 0 ? 1 / Math.sqrt(v) : 1));
    const zero = fill([c], 0);
    // keep: a fit inside a tidy must not release what later transforms use.
    this.params = keep({
      offsetHi: this.withMean ? m.meanHi : zero,
      offsetLo: this.withMean ? m.meanLo : zero,
      scale: featureVector(scale),
      shift: zero,
    });
    return this;
  }
}

export function standardScaler(args?: StandardScalerArgs): StandardScaler {
  return new StandardScaler(args);
}

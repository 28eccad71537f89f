import { assertBoolean, type Tensor } from '@batchwise/core';
import { featureMoments } from './moments.js';
import { FeatureScaler } from './scaler.js';

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
    const m = featureMoments('StandardScaler fit', x);
    this.mean = m.mean;
    this.variance = m.variance;
    this.offset = this.withMean ? m.mean : new Float64Array(m.mean.length);
    this.scale = m.variance.map((v) => (this.withStd && v > 0 ? 1 / Math.sqrt(v) : 1));
    this.shift = new Float64Array(m.mean.length);
    return this;
  }
}

export function standardScaler(args?: StandardScalerArgs): StandardScaler {
  return new StandardScaler(args);
}

import { InvalidArgumentError, type Tensor } from '@batchwise/core';
import { featureMoments } from './moments.js';
import { FeatureScaler } from './scaler.js';

export interface MinMaxScalerArgs {
  /** Target range [low, high]. Default [0, 1]. */
  featureRange?: [number, number];
}

/**
 * y = low + (x - min) * (high - low) / (max - min) per feature, with min and
 * max from the training data (new data may fall outside the range). A
 * constant feature (max = min) uses a scale of 1, so it maps to low
 * (scikit-learn's convention) instead of dividing by zero.
 */
export class MinMaxScaler extends FeatureScaler {
  readonly featureRange: [number, number];
  dataMin: Float64Array | null = null;
  dataMax: Float64Array | null = null;

  constructor(args: MinMaxScalerArgs = {}) {
    super('MinMaxScaler');
    const range = args.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      throw new InvalidArgumentError(`minMaxScaler: featureRange must be [low, high] with low < high, received ${JSON.stringify(range)}.`);
    }
    this.featureRange = [range[0], range[1]];
  }

  fit(x: Tensor): this {
    const m = featureMoments('MinMaxScaler fit', x);
    const [low, high] = this.featureRange;
    this.dataMin = m.min;
    this.dataMax = m.max;
    this.offset = m.min;
    this.scale = m.min.map((mn, j) => (m.max[j] > mn ? (high - low) / (m.max[j] - mn) : 1));
    this.shift = new Float64Array(m.min.length).fill(low);
    return this;
  }
}

export function minMaxScaler(args?: MinMaxScalerArgs): MinMaxScaler {
  return new MinMaxScaler(args);
}

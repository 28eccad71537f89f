import { InvalidArgumentError, fill, keep, type Tensor } from '@batchwise/core';
import { readValues } from '../engine/values.js';
import { featureMomentTensors } from './moments.js';
import { FeatureScaler, featureVector } from './scaler.js';

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
    const m = featureMomentTensors('MinMaxScaler fit', x);
    const [low, high] = this.featureRange;
    const c = m.min.size;
    const min = Float64Array.from(readValues(m.min));
    const max = Float64Array.from(readValues(m.max));
    this.dataMin = min;
    this.dataMax = max;
    // The offset is a data value, exact in float32: no low part.
    // keep: a fit inside a tidy must not release what later transforms use.
    this.params = keep({
      offsetHi: m.min,
      offsetLo: fill([c], 0),
      scale: featureVector(min.map((mn, j) => (max[j] > mn ? (high - low) / (max[j] - mn) : 1))),
      shift: fill([c], low),
    });
    return this;
  }
}

export function minMaxScaler(args?: MinMaxScalerArgs): MinMaxScaler {
  return new MinMaxScaler(args);
}

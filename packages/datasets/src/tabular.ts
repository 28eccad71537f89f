import type { Tensor } from '@batchwise/core';

/** A numeric table split into model inputs and one regression target. */
export interface TabularDataset {
  /** `[n, f]` float32, one row per example, columns in `featureNames` order. */
  features: Tensor;
  /** `[n, 1]` float32: a column, so it matches a Dense(1) output. */
  target: Tensor;
  featureNames: readonly string[];
  targetName: string;
}

import { formatShape, type Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { CliError } from '../cli/errors.js';

/** A model for other inputs (e.g. a tabular model given images) is one clear line, not a shape error deep in a layer. */
export function checkModelInput(model: LayersModel, x: Tensor, label: string): void {
  const want = model.inputs[0].shape.slice(1);
  const got = x.shape.slice(1);
  if (want.length !== got.length || want.some((d, i) => d !== null && d !== got[i])) {
    throw new CliError(`${label}: the model expects inputs of shape ${formatShape(want as number[])} per example, the data has ${formatShape(got)}`);
  }
}

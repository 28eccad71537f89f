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

/** Index of a flat position in a shape, e.g. [3,2]. */
function position(flat: number, shape: readonly number[]): string {
  const at: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    at.unshift(flat % shape[k]);
    flat = Math.floor(flat / shape[k]);
  }
  return formatShape(at);
}

/**
 * A weight holding NaN or Infinity makes every prediction meaningless: a NaN
 * model printed "NaN%" and evaluated to 10 % accuracy with exit code 0.
 */
export function checkFiniteWeights(model: LayersModel, label: string): void {
  for (const w of model.weights) {
    const i = w.value.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new CliError(`${label}: weight '${w.fullName}' ${formatShape(w.shape)} holds ${w.value.data[i]} at ${position(i, w.shape)}: the model cannot make predictions (was it saved after its loss diverged?)`);
    }
  }
}

/** Outputs must be finite too: finite weights can still overflow. */
export function checkFiniteOutputs(probs: Tensor, label: string): void {
  const i = probs.data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) {
    const per = probs.size / probs.shape[0];
    throw new CliError(`${label}: the model's output for example ${Math.floor(i / per)} is ${probs.data[i]} (its weights are finite, so a value overflowed): no prediction is reported`);
  }
}

/** Class labels (a CSV target) must be class indices of the model: 12, -1 or 2.5 for 10 classes used to count as wrong answers. */
export function checkClassLabels(labels: ArrayLike<number>, classes: number, where: (row: number) => string): void {
  for (let r = 0; r < labels.length; r++) {
    const v = labels[r];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new CliError(`${where(r)}: the target must be a class index in [0, ${classes - 1}] for this ${classes}-class model, received ${v}`);
    }
  }
}

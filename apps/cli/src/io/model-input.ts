import { Tensor } from '@batchwise/core';
import { CliError } from '../cli/errors.js';

/**
 * CSV rows to the model's input shape (784 columns -> [28, 28, 1]). For image
 * models (rank-3 inputs) 0..255 pixels are scaled to [0, 1]; tabular inputs
 * are passed as they are.
 */
export function toModelInput(inputShape: (number | null)[], features: Tensor, label: string): Tensor {
  const per = inputShape.reduce<number>((a, d) => a * (d ?? 1), 1);
  const width = features.shape[1];
  if (width !== per) throw new CliError(`${label}: the model takes ${per} values per example, the CSV has ${width} columns`);
  const image = inputShape.length === 3;
  const scaled = image && features.data.some((v) => v > 1) ? features.data.map((v) => v / 255) : features.data;
  return new Tensor(scaled, [features.shape[0], ...(inputShape as number[])]);
}

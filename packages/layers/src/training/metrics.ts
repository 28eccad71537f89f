import { InvalidArgumentError, type Tensor } from '@batchwise/core';
import { LOSSES, oneHotLabels, resolveLossName, type LossName } from './losses.js';

/*
 * Metrics, each the mean over samples of a per-sample value. 'accuracy' (or
 * 'acc') resolves as Keras/tfjs do: binary accuracy for binaryCrossentropy or
 * a single output unit, sparse categorical accuracy for the sparse loss,
 * categorical accuracy otherwise.
 */

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => number;

export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): number {
  let hits = 0;
  for (let i = 0; i < yPred.size; i++) hits += (yPred.data[i] > 0.5 ? 1 : 0) === yTrue.data[i] ? 1 : 0;
  return hits / yPred.size;
}

function argMaxRow(data: Float32Array, offset: number, c: number): number {
  let best = 0;
  for (let j = 1; j < c; j++) if (data[offset + j] > data[offset + best]) best = j;
  return best;
}

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  const c = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / c;
  let hits = 0;
  for (let r = 0; r < rows; r++) hits += argMaxRow(yTrue.data, r * c, c) === argMaxRow(yPred.data, r * c, c) ? 1 : 0;
  return hits / rows;
}

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  return categoricalAccuracy(oneHotLabels('sparseCategoricalAccuracy', yTrue, yPred.shape), yPred);
}

export const METRIC_NAMES = ['accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'meanSquaredError', 'mse', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const;

/** Resolves a metric name against the compiled loss and output width. */
export function resolveMetric(fn: string, name: unknown, loss: LossName, outputUnits: number): MetricFn {
  switch (name) {
    case 'accuracy':
    case 'acc':
      if (loss === 'binaryCrossentropy' || outputUnits === 1) return binaryAccuracy;
      if (loss === 'sparseCategoricalCrossentropy') return sparseCategoricalAccuracy;
      return categoricalAccuracy;
    case 'binaryAccuracy': return binaryAccuracy;
    case 'categoricalAccuracy': return categoricalAccuracy;
    case 'sparseCategoricalAccuracy': return sparseCategoricalAccuracy;
    default:
      if (typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name)) {
        const lossFn = LOSSES[resolveLossName(fn, name)];
        return (t, p) => lossFn(t, p).loss;
      }
      throw new InvalidArgumentError(`${fn}: metrics entries must be one of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')}, received ${typeof name === 'string' ? `'${name}'` : String(name)}.`);
  }
}

export const metrics = { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy };

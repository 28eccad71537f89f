import { InvalidArgumentError, fill, ops, type Tensor } from '@batchwise/core';
import { readScalar } from '../engine/values.js';
import { LOSSES, checkSameShape, resolveLossName, sparseLabels, type LossName } from './losses.js';

/*
 * Metrics, each the mean over samples of a per-sample value, computed with
 * the backend's comparison kernels and read out as one number. 'accuracy' (or
 * 'acc') resolves as Keras/tfjs do: binary accuracy for binaryCrossentropy or
 * a single output unit, sparse categorical accuracy for the sparse loss,
 * categorical accuracy otherwise.
 */

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => number;

/** Fraction of elements where (yPred > 0.5) equals yTrue. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): number {
  checkSameShape('binaryAccuracy', yTrue, yPred);
  const predicted = ops.greater(yPred, fill(yPred.shape, 0.5));
  return fractionOfOnes(ops.equal(predicted, yTrue));
}

/** Fraction of rows whose largest prediction is at the largest label (first index on ties). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  checkSameShape('categoricalAccuracy', yTrue, yPred);
  return fractionOfOnes(ops.equal(ops.argMax(yTrue), ops.argMax(yPred)));
}

/** Fraction of rows whose largest prediction is at the integer label. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): number {
  const labels = sparseLabels('sparseCategoricalAccuracy', yTrue, yPred.shape);
  return fractionOfOnes(ops.equal(ops.argMax(yPred), labels));
}

/** hits / size of a 0/1 tensor: the count is exact in float32 (below 2^24), the fraction a float64. */
function fractionOfOnes(hits: Tensor): number {
  return readScalar(ops.sum(hits)) / hits.size;
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

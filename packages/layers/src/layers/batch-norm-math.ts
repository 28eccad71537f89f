import { fill, ops, type Tensor } from '@batchwise/core';
import type { LayerVariable } from '../engine/layer.js';

/** Permutations that move a feature axis to the end (the kernels normalise the last axis) and back. */
export interface AxisMove {
  perm: number[] | null;
  inverse: number[] | null;
}

export function toLastAxis(rank: number, axis: number): AxisMove {
  if (axis === rank - 1) return { perm: null, inverse: null };
  const perm = [...Array(rank).keys()].filter((a) => a !== axis);
  perm.push(axis);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return { perm, inverse };
}

/** gamma and beta, or the constants 1 and 0 when scale / center are off. */
export function channelParams(gamma: LayerVariable | null, beta: LayerVariable | null, channels: number): { gamma: Tensor; beta: Tensor } {
  return {
    gamma: gamma ? gamma.value : fill([channels], 1),
    beta: beta ? beta.value : fill([channels], 0),
  };
}

/** moving <- alpha * batch + beta * moving. */
export interface AverageCoefficients {
  alpha: number;
  beta: number;
}

/**
 * The weight w of the new batch value in moving <- (1 - w) * moving + w * batch, at the t-th
 * update (t >= 1):
 * - exponential (Keras/TF.js): w = 1 - momentum;
 * - bias-corrected exponential: w = (1 - momentum) / (1 - momentum^t). This keeps the moving value
 *   equal to Adam's debiased average m_t / (1 - momentum^t) of the batches alone (the
 *   initializer's weight momentum^t is removed): t = 1 gives the first batch's value;
 * - cumulative (momentum null, PyTorch's momentum=None): w = 1 / t, the plain mean of all batches.
 */
export function averageCoefficients(momentum: number | null, biasCorrection: boolean, t: number): AverageCoefficients {
  // The plain case keeps beta = momentum exactly (1 - (1 - m) need not round back to m), as Keras.
  if (momentum !== null && !biasCorrection) return { alpha: 1 - momentum, beta: momentum };
  const w = momentum === null ? 1 / t : (1 - momentum) / (1 - momentum ** t);
  return { alpha: w, beta: 1 - w };
}

/**
 * moving <- (1 - w) * moving + w * batch, in place (Keras/TF.js with w = 1 - momentum; TF.js writes
 * it moving - (moving - batch) * (1 - momentum)). One axpby: computed in float64 and rounded once,
 * the same bits on every backend.
 */
export function movingAverage(moving: Tensor, batch: Tensor, c: AverageCoefficients): void {
  ops.axpby(moving, batch, c);
}

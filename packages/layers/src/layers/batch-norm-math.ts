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

/**
 * moving <- momentum * moving + (1 - momentum) * batch, in place (Keras/TF.js;
 * TF.js writes it moving - (moving - batch) * (1 - momentum)). One axpby:
 * computed in float64 and rounded once, the same bits on every backend.
 */
export function movingAverage(moving: Tensor, batch: Tensor, momentum: number): void {
  ops.axpby(moving, batch, { alpha: 1 - momentum, beta: momentum });
}

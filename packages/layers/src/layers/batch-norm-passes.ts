import { ops, type Tensor } from '@batchwise/core';
import { copyOf } from '../engine/tensor-utils.js';

/*
 * BatchNormalization's two plain passes on data whose feature axis is last:
 * training (batch statistics) and moving statistics (inference, or a frozen
 * layer in training), each forward beside its backward. The ghost-batch and
 * renormalization variants live in batch-norm-ghost.ts and batch-norm-renorm.ts
 * and return the same shapes of result.
 */

/** Gradients of one pass; dgamma and dbeta are null when weight gradients were not asked for. */
export interface PassGradients {
  dx: Tensor;
  dgamma: Tensor | null;
  dbeta: Tensor | null;
}

/** A training-mode (batch statistics) forward pass. */
export interface TrainingPass<C> {
  y: Tensor;
  cache: C;
  /** The statistics folded into the moving averages. */
  mean: Tensor;
  variance: Tensor;
  /** Values per feature behind each set of statistics (for a ghost batch norm, the smallest ghost batch). */
  groupCount: number;
}

export interface BatchCache {
  kind: 'batch';
  x: Tensor;
  gamma: Tensor;
  mean: Tensor;
  invStd: Tensor;
}

/** y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta with the batch's mean and biased variance. */
export function batchForward(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): TrainingPass<BatchCache> {
  const r = ops.batchNormTraining(x, gamma, beta, { epsilon });
  return { y: r.y, cache: { kind: 'batch', x, gamma, mean: r.mean, invStd: r.invStd }, mean: r.mean, variance: r.variance, groupCount: x.size / x.shape[x.rank - 1] };
}

/** The full backward through the batch statistics (mean and invStd depend on x). */
export function batchBackward(dy: Tensor, c: BatchCache): PassGradients {
  return ops.batchNormBackward(dy, { x: c.x, gamma: c.gamma, mean: c.mean, invStd: c.invStd });
}

export interface MovingCache {
  kind: 'moving';
  x: Tensor;
  gamma: Tensor;
  mean: Tensor;
  variance: Tensor;
  epsilon: number;
}

/**
 * y = gamma * (x - moving mean) / sqrt(moving variance + epsilon) + beta. `training`: a
 * backward pass may follow, after the same step updated the moving statistics in place.
 */
export function movingForward(
  x: Tensor,
  p: { mean: Tensor; variance: Tensor; gamma: Tensor; beta: Tensor; epsilon: number },
  training: boolean,
): { y: Tensor; cache: MovingCache } {
  // Copies in training: the cache must not change if the moving statistics are updated before
  // backward. An inference pass updates nothing, so its cache can refer to the statistics.
  const mean = training ? copyOf(p.mean) : p.mean;
  const variance = training ? copyOf(p.variance) : p.variance;
  const y = ops.batchNormInference(x, { mean, variance, gamma: p.gamma, beta: p.beta, epsilon: p.epsilon });
  return { y, cache: { kind: 'moving', x, gamma: p.gamma, mean, variance, epsilon: p.epsilon } };
}

/** The moving statistics are constants: dx = dy * gamma / sqrt(var + eps), the same affine map with beta 0. */
export function movingBackward(dy: Tensor, c: MovingCache, weightGrads: boolean): PassGradients {
  const zeros = ops.mulScalar(c.mean, 0);
  const dx = ops.batchNormInference(dy, { mean: zeros, variance: c.variance, gamma: c.gamma, beta: zeros, epsilon: c.epsilon });
  if (!weightGrads) return { dx, dgamma: null, dbeta: null };
  const ones = ops.addScalar(zeros, 1);
  const xhat = ops.batchNormInference(c.x, { mean: c.mean, variance: c.variance, gamma: ones, beta: zeros, epsilon: c.epsilon });
  return { dx, dgamma: ops.biasGrad(ops.mul(dy, xhat)), dbeta: ops.biasGrad(dy) };
}

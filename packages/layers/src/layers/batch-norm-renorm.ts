import { fill, ops, type Tensor } from '@batchwise/core';
import type { ResolvedRenormClipping } from './batch-norm-options.js';
import { movingAverage } from './batch-norm-math.js';
import type { PassGradients, TrainingPass } from './batch-norm-passes.js';

/*
 * Batch renormalization (Ioffe 2017, Algorithm 1), with Keras 2's separate
 * averages for the correction. In training, with the batch's mu_B and
 * sigma_B = sqrt(var_B + epsilon), and renorm's own moving averages mu and
 * sigma (floored at sqrt(epsilon)):
 *
 *   r = clip(sigma_B / sigma, rmin, rmax)      d = clip((mu_B - mu) / sigma, -dmax, dmax)
 *   y = gamma * ((x - mu_B) / sigma_B * r + d) + beta
 *
 * r and d are constants for backpropagation (stop_gradient), so backward is
 * the batch-norm backward with gamma * r in place of gamma, and
 * dgamma = r * sum(dy * xhat) + d * sum(dy). Then mu and sigma move toward
 * mu_B and sigma_B with renormMomentum, while the inference moving mean and
 * variance move with momentum as usual. r = 1, d = 0 is plain batch norm.
 */

/** Renorm's moving mean and standard deviation: layer state in fresh memory, updated in place. */
export interface RenormState {
  mean: Tensor;
  stddev: Tensor;
}

export interface RenormCache {
  kind: 'renorm';
  x: Tensor;
  scale: Tensor;
  r: Tensor;
  d: Tensor;
  mean: Tensor;
  invStd: Tensor;
}

export interface RenormPass extends TrainingPass<RenormCache> {
  /** The batch's sigma_B, for the renorm average. */
  stddev: Tensor;
}

export function renormForward(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number, state: RenormState, clip: ResolvedRenormClipping): RenormPass {
  const c = gamma.size;
  const ones = fill([c], 1);
  const zeros = fill([c], 0);
  const moments = ops.batchNormTraining(x, ones, zeros, { epsilon });
  const stddev = ops.sqrt(ops.addScalar(moments.variance, epsilon));
  // Keras 2 floors sigma at sqrt(epsilon) so that an average still near 0 cannot divide by 0.
  const sigma = ops.maximum(state.stddev, fill([c], Math.sqrt(epsilon)));
  const r = clipTo(ops.div(stddev, sigma), clip.rmin, clip.rmax);
  const d = clipTo(ops.div(ops.sub(moments.mean, state.mean), sigma), -clip.dmax, clip.dmax);
  const scale = ops.mul(r, gamma);
  const offset = ops.add(ops.mul(d, gamma), beta);
  const y = ops.batchNormInference(x, { mean: moments.mean, variance: moments.variance, gamma: scale, beta: offset, epsilon });
  return {
    y,
    cache: { kind: 'renorm', x, scale, r, d, mean: moments.mean, invStd: moments.invStd },
    mean: moments.mean,
    variance: moments.variance,
    stddev,
    groupCount: x.size / c,
  };
}

export function renormBackward(dy: Tensor, c: RenormCache, weightGrads: boolean): PassGradients {
  const g = ops.batchNormBackward(dy, { x: c.x, gamma: c.scale, mean: c.mean, invStd: c.invStd });
  if (!weightGrads) return { dx: g.dx, dgamma: null, dbeta: null };
  return { dx: g.dx, dgamma: ops.add(ops.mul(c.r, g.dgamma), ops.mul(c.d, g.dbeta)), dbeta: g.dbeta };
}

/** mu <- m * mu + (1 - m) * mu_B and sigma <- m * sigma + (1 - m) * sigma_B, in place. */
export function updateRenormState(state: RenormState, pass: RenormPass, momentum: number): void {
  movingAverage(state.mean, pass.mean, { alpha: 1 - momentum, beta: momentum });
  movingAverage(state.stddev, pass.stddev, { alpha: 1 - momentum, beta: momentum });
}

/** clip with possibly infinite bounds (core's clip takes finite ones; float32 values never pass MAX_VALUE). */
function clipTo(x: Tensor, low: number, high: number): Tensor {
  return ops.clip(x, Math.max(low, -Number.MAX_VALUE), Math.min(high, Number.MAX_VALUE));
}

import { assertInRange, assertMinRank, assertNonEmpty, assertShape, assertTensor } from '../assert.js';
import type { BatchNormBackwardParams, BatchNormInferenceParams, BatchNormTrainingOptions } from '../backend.js';
import type { Tensor } from '../tensor.js';

function channelsOf(x: Tensor): number {
  return x.shape[x.rank - 1];
}

export function validateChannelParams(fn: string, x: Tensor, params: Record<string, Tensor>): void {
  const c = channelsOf(x);
  for (const [name, t] of Object.entries(params)) {
    assertTensor(fn, name, t);
    assertShape(fn, name, t, [c]);
  }
}

export function validateEpsilon(fn: string, epsilon: unknown): void {
  // epsilon > 0 keeps 1/sqrt(var + eps) finite for a constant feature.
  assertInRange(fn, 'epsilon', epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
}

export function validateBatchNormInput(fn: string, name: string, x: Tensor): void {
  assertTensor(fn, name, x);
  assertMinRank(fn, name, x, 2);
  assertNonEmpty(fn, name, x);
}

export function validateBatchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormTrainingOptions): void {
  const fn = 'batchNormTraining';
  validateBatchNormInput(fn, 'x', x);
  validateChannelParams(fn, x, { gamma, beta });
  validateEpsilon(fn, options?.epsilon);
}

export function validateBatchNormInference(x: Tensor, params: BatchNormInferenceParams): void {
  const fn = 'batchNormInference';
  validateBatchNormInput(fn, 'x', x);
  validateChannelParams(fn, x, { mean: params?.mean, variance: params.variance, gamma: params.gamma, beta: params.beta });
  validateEpsilon(fn, params.epsilon);
}

export function validateBatchNormBackward(dy: Tensor, params: BatchNormBackwardParams): void {
  const fn = 'batchNormBackward';
  validateBatchNormInput(fn, 'dy', dy);
  assertTensor(fn, 'x', params?.x);
  assertShape(fn, 'x', params.x, dy.shape);
  validateChannelParams(fn, dy, { gamma: params.gamma, mean: params.mean, invStd: params.invStd });
}

import { assertInRange, assertMinRank, assertNonEmpty, assertShape, assertTensor } from '../assert.js';
import type { BatchNormBackwardParams, BatchNormInferenceParams, BatchNormTrainingOptions } from '../backend.js';
import type { Tensor } from '../tensor.js';

function channelsOf(x: Tensor): number {
  return x.shape[x.rank - 1];
}

export function validateChannelParams(fn: string, x: Tensor, params: Record<string, Tensor>): void {
  for (const name in params) validateChannelParam(fn, x, name, params[name]);
}

/** One per-channel parameter: a tensor of shape [channels of x]. */
function validateChannelParam(fn: string, x: Tensor, name: string, t: Tensor): void {
  assertTensor(fn, name, t);
  // The shape [c] is only built for the message: a batch of one's inference spent more here than in its kernel.
  if (t.rank !== 1 || t.shape[0] !== channelsOf(x)) assertShape(fn, name, t, [channelsOf(x)]);
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
  validateChannelParam(fn, x, 'mean', params?.mean);
  validateChannelParam(fn, x, 'variance', params.variance);
  validateChannelParam(fn, x, 'gamma', params.gamma);
  validateChannelParam(fn, x, 'beta', params.beta);
  validateEpsilon(fn, params.epsilon);
}

export function validateBatchNormBackward(dy: Tensor, params: BatchNormBackwardParams): void {
  const fn = 'batchNormBackward';
  validateBatchNormInput(fn, 'dy', dy);
  assertTensor(fn, 'x', params?.x);
  assertShape(fn, 'x', params.x, dy.shape);
  validateChannelParams(fn, dy, { gamma: params.gamma, mean: params.mean, invStd: params.invStd });
}

import { assertBoolean, assertInRange, assertMinRank, assertPositiveInt, assertSameShape, assertTensor } from '../assert.js';
import type { AdamOptions, SgdOptions } from '../backend.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export function validateSoftmaxCrossEntropy(logits: Tensor, labels: Tensor): void {
  const fn = 'softmaxCrossEntropy';
  assertTensor(fn, 'logits', logits);
  assertTensor(fn, 'labels', labels);
  assertMinRank(fn, 'logits', logits, 1);
  assertSameShape(fn, 'logits', logits, 'labels', labels);
}

function validateLearningRate(fn: string, lr: unknown): void {
  assertInRange(fn, 'learningRate', lr, 0, Number.MAX_VALUE);
}

function validateState(fn: string, param: Tensor, states: Record<string, Tensor>): void {
  assertTensor(fn, 'param', param);
  for (const [name, t] of Object.entries(states)) {
    assertTensor(fn, name, t);
    assertSameShape(fn, 'param', param, name, t);
    if (t.data === param.data) throw new InvalidArgumentError(`${fn}: ${name} must not share memory with param.`);
  }
}

export function validateSgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, options: SgdOptions): void {
  const fn = 'sgdUpdate';
  validateState(fn, param, velocity ? { grad, velocity } : { grad });
  validateLearningRate(fn, options?.learningRate);
  assertInRange(fn, 'momentum', options.momentum, 0, 1);
  assertBoolean(fn, 'nesterov', options.nesterov);
  if (options.momentum > 0 && velocity === null) {
    throw new InvalidArgumentError(`${fn}: velocity must be a tensor when momentum > 0, received null.`);
  }
}

export function validateAdamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, options: AdamOptions): void {
  const fn = 'adamUpdate';
  validateState(fn, param, { grad, m, v });
  if (m.data === v.data) throw new InvalidArgumentError(`${fn}: m and v must not share memory.`);
  validateLearningRate(fn, options?.learningRate);
  assertInRange(fn, 'beta1', options.beta1, 0, 1, { highOpen: true });
  assertInRange(fn, 'beta2', options.beta2, 0, 1, { highOpen: true });
  assertInRange(fn, 'epsilon', options.epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
  assertPositiveInt(fn, 'step', options.step);
}

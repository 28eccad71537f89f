import {
  assertFiniteNumber,
  assertInRange,
  assertMinRank,
  assertSameShape,
  assertShape,
  assertTensor,
} from '../assert.js';
import type { DropoutOptions } from '../backend.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export function validateUnary(fn: string, x: Tensor): void {
  assertTensor(fn, 'x', x);
}

export function validateBinary(fn: string, a: Tensor, b: Tensor): void {
  assertTensor(fn, 'a', a);
  assertTensor(fn, 'b', b);
  assertSameShape(fn, 'a', a, 'b', b);
}

export function validateScalarOp(fn: string, x: Tensor, s: number): void {
  assertTensor(fn, 'x', x);
  assertFiniteNumber(fn, 'scalar', s);
}

export function validateClip(x: Tensor, min: number, max: number): void {
  const fn = 'clip';
  assertTensor(fn, 'x', x);
  assertFiniteNumber(fn, 'min', min);
  assertFiniteNumber(fn, 'max', max);
  if (min > max) throw new InvalidArgumentError(`${fn}: min must be <= max, received min ${min} and max ${max}.`);
}

/** Activation backward: dy and the forward output y share a shape. */
export function validateActivationBackward(fn: string, dy: Tensor, y: Tensor): void {
  assertTensor(fn, 'dy', dy);
  assertTensor(fn, 'y', y);
  assertSameShape(fn, 'dy', dy, 'y', y);
}

export function validateSoftmax(fn: string, x: Tensor): void {
  assertTensor(fn, 'x', x);
  assertMinRank(fn, 'x', x, 1);
}

export function validateBiasAdd(x: Tensor, bias: Tensor): void {
  const fn = 'biasAdd';
  assertTensor(fn, 'x', x);
  assertTensor(fn, 'bias', bias);
  assertMinRank(fn, 'x', x, 1);
  assertShape(fn, 'bias', bias, [x.shape[x.rank - 1]]);
}

export function validateBiasGrad(dy: Tensor): void {
  assertTensor('biasGrad', 'dy', dy);
  assertMinRank('biasGrad', 'dy', dy, 1);
}

export function validateDropout(x: Tensor, options: DropoutOptions): void {
  const fn = 'dropout';
  assertTensor(fn, 'x', x);
  assertInRange(fn, 'rate', options?.rate, 0, 1, { highOpen: true });
  assertFiniteNumber(fn, 'seed', options.seed);
  if (!Number.isInteger(options.seed)) throw new InvalidArgumentError(`${fn}: seed must be an integer, received ${options.seed}.`);
}

export function validateDropoutBackward(dy: Tensor, mask: Tensor): void {
  const fn = 'dropoutBackward';
  assertTensor(fn, 'dy', dy);
  assertTensor(fn, 'mask', mask);
  assertSameShape(fn, 'dy', dy, 'mask', mask);
}

import { assertOneOf, assertRank, assertShapeLike, assertTensor } from '../assert.js';
import type { MaxPoolOptions } from '../backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { poolOutputShape } from '../geometry.js';
import { formatShape, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertWindowPair } from '../window-limits.js';
import { PADDINGS } from './conv.js';

export function validatePoolOptions(fn: string, options: MaxPoolOptions): void {
  assertWindowPair(fn, 'poolSize', options?.poolSize);
  assertWindowPair(fn, 'strides', options.strides);
  assertOneOf(fn, 'padding', options.padding, PADDINGS);
}

export function validateMaxPool(x: Tensor, options: MaxPoolOptions, fn = 'maxPool'): void {
  assertTensor(fn, 'x', x);
  assertRank(fn, 'x', x, 4);
  if (x.size === 0) throw new ShapeError(`${fn}: x must not be empty, received shape ${formatShape(x.shape)}.`);
  validatePoolOptions(fn, options);
  poolOutputShape(x.shape, options, fn);
}

export function validateMaxPoolInference(x: Tensor, options: MaxPoolOptions): void {
  validateMaxPool(x, options, 'maxPoolInference');
}

export function validateMaxPoolBackward(dy: Tensor, argmax: Int32Array, inputShape: Shape): void {
  const fn = 'maxPoolBackward';
  assertTensor(fn, 'dy', dy);
  assertRank(fn, 'dy', dy, 4);
  if (!(argmax instanceof Int32Array)) {
    throw new InvalidArgumentError(`${fn}: argmax must be an Int32Array, received ${argmax === null ? 'null' : typeof argmax}.`);
  }
  if (argmax.length !== dy.size) {
    throw new ShapeError(`${fn}: argmax must have one index per dy element (${dy.size}), received ${argmax.length}.`);
  }
  assertShapeLike(fn, 'inputShape', inputShape);
  if (inputShape.length !== 4 || inputShape[0] !== dy.shape[0] || inputShape[3] !== dy.shape[3]) {
    throw new ShapeError(
      `${fn}: inputShape must be NHWC with dy's batch and channels ${formatShape(dy.shape)}, received ${formatShape(inputShape)}.`,
    );
  }
  // The indices themselves are checked by the kernel that reads them (see argmaxRangeError).
}

/**
 * The error for the first argmax index outside [0, size), or null. Backends
 * throw it (or the same check done natively) before maxPoolBackward returns,
 * writing at most into their own fresh output. A scan in JavaScript costs as
 * much as the native kernel itself (docs/core/design.md), so it runs once,
 * where the indices are read, and not again in every validation layer.
 */
export function argmaxRangeError(argmax: Int32Array, size: number): InvalidArgumentError | null {
  for (let i = 0; i < argmax.length; i++) {
    if (argmax[i] < 0 || argmax[i] >= size) {
      return new InvalidArgumentError(`maxPoolBackward: argmax[${i}] must be in [0, ${size}), received ${argmax[i]}.`);
    }
  }
  return null;
}

import { assertBoolean, assertMinRank, assertNonEmpty, assertTensor } from '../assert.js';
import type { ReduceOptions } from '../backend.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export function validateReduce(fn: string, x: Tensor, options: ReduceOptions = {}): void {
  assertTensor(fn, 'x', x);
  if (options.keepDims !== undefined) assertBoolean(fn, 'keepDims', options.keepDims);
  if (options.axes !== undefined) {
    const axes = options.axes;
    const valid =
      Array.isArray(axes) &&
      axes.every((a) => Number.isInteger(a) && a >= -x.rank && a < x.rank) &&
      new Set(axes.map((a) => (a < 0 ? a + x.rank : a))).size === axes.length;
    if (!valid) {
      throw new InvalidArgumentError(
        `${fn}: axes must be distinct integers in [${-x.rank}, ${x.rank - 1}], received ${JSON.stringify(axes)}.`,
      );
    }
  }
  // max of nothing has no value; sum and mean of nothing are 0 and NaN, so refuse all three.
  assertNonEmpty(fn, 'x', x);
}

export function validateArgMax(x: Tensor): void {
  assertTensor('argMax', 'x', x);
  assertMinRank('argMax', 'x', x, 1);
  assertNonEmpty('argMax', 'x', x);
}

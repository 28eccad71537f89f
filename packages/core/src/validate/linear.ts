import { assertBoolean, assertRank, assertTensor } from '../assert.js';
import type { MatMulOptions } from '../backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function validateMatMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): void {
  const fn = 'matMul';
  assertTensor(fn, 'a', a);
  assertTensor(fn, 'b', b);
  assertRank(fn, 'a', a, 2);
  assertRank(fn, 'b', b, 2);
  if (options.transposeA !== undefined) assertBoolean(fn, 'transposeA', options.transposeA);
  if (options.transposeB !== undefined) assertBoolean(fn, 'transposeB', options.transposeB);
  const kA = options.transposeA ? a.shape[0] : a.shape[1];
  const kB = options.transposeB ? b.shape[1] : b.shape[0];
  if (kA !== kB) {
    throw new ShapeError(
      `${fn}: inner dimensions must match, received a ${formatShape(a.shape)}${options.transposeA ? ' (transposed)' : ''} and b ${formatShape(b.shape)}${options.transposeB ? ' (transposed)' : ''} (${kA} vs ${kB}).`,
    );
  }
}

export function validateTranspose(x: Tensor, perm: readonly number[]): void {
  const fn = 'transpose';
  assertTensor(fn, 'x', x);
  const ok =
    Array.isArray(perm) &&
    perm.length === x.rank &&
    [...perm].sort((p, q) => p - q).every((p, i) => p === i);
  if (!ok) {
    throw new InvalidArgumentError(
      `${fn}: perm must be a permutation of 0..${x.rank - 1}, received ${Array.isArray(perm) ? formatShape(perm) : String(perm)}.`,
    );
  }
}

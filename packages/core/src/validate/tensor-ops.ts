import { assertFiniteNumber, assertMinRank, assertOneOf, assertPositiveInt, assertSameShape, assertTensor, describeValue } from '../assert.js';
import {
  BROADCAST_BINARY_OPS,
  type AxpbyOptions,
  type BroadcastBinaryOptions,
  type ConcatOptions,
  type GatherOptions,
  type OneHotOptions,
} from '../backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/* Checks of the broadcasting, data-movement and in-place layer-state kernels. */

/** An integer axis of a rank-`rank` tensor, negative counting from the end; returns it resolved. */
function checkAxis(fn: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(`${fn}: axis must be an integer in [${-rank}, ${rank - 1}], received ${describeValue(axis)}.`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** True when two tensors' elements overlap in memory (views of one buffer included). */
function overlap(a: Tensor, b: Tensor): boolean {
  if (a.data.buffer !== b.data.buffer || a.size === 0 || b.size === 0) return false;
  return a.data.byteOffset < b.data.byteOffset + b.data.byteLength && b.data.byteOffset < a.data.byteOffset + a.data.byteLength;
}

export function validateBroadcastBinary(x: Tensor, v: Tensor, options: BroadcastBinaryOptions): void {
  const fn = 'broadcastBinary';
  assertTensor(fn, 'x', x);
  assertTensor(fn, 'v', v);
  assertMinRank(fn, 'x', x, 1);
  assertOneOf(fn, 'op', options?.op, BROADCAST_BINARY_OPS);
  const axis = checkAxis(fn, options.axis, x.rank);
  if (v.rank !== 1 || v.shape[0] !== x.shape[axis]) {
    throw new ShapeError(`${fn}: v must have shape [${x.shape[axis]}] (x ${formatShape(x.shape)} along axis ${options.axis}), received ${formatShape(v.shape)}.`);
  }
}

export function validateGather(x: Tensor, indices: Int32Array, options: GatherOptions): void {
  const fn = 'gather';
  assertTensor(fn, 'x', x);
  assertMinRank(fn, 'x', x, 1);
  if (!(indices instanceof Int32Array)) throw new InvalidArgumentError(`${fn}: indices must be an Int32Array, received ${describeValue(indices)}.`);
  const axis = checkAxis(fn, options?.axis, x.rank);
  // Indices are one per gathered slice (a batch's rows), few next to the data they copy: checked here, once for every backend.
  const n = x.shape[axis];
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] < 0 || indices[i] >= n) throw new InvalidArgumentError(`${fn}: indices[${i}] must be in [0, ${n}), received ${indices[i]}.`);
  }
}

export function validateConcat(tensors: readonly Tensor[], options: ConcatOptions): void {
  const fn = 'concat';
  // Array.isArray narrows a readonly array to any[]: test a copy of the reference instead.
  const list: unknown = tensors;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(`${fn}: tensors must be a non-empty array of tensors, received ${describeValue(tensors)}.`);
  }
  tensors.forEach((t, i) => assertTensor(fn, `tensors[${i}]`, t));
  const first = tensors[0];
  assertMinRank(fn, 'tensors[0]', first, 1);
  const axis = checkAxis(fn, options?.axis, first.rank);
  tensors.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== axis && d !== first.shape[k])) {
      throw new ShapeError(`${fn}: tensors[${i}] must match tensors[0] ${formatShape(first.shape)} in every axis but ${options.axis}, received ${formatShape(t.shape)}.`);
    }
  });
}

/**
 * The error for the first entry of `indices` that is not an integer class index in
 * [0, depth), or null: `<fn>: <name>[i] must be an integer class index in [0, depth-1],
 * received v.` oneHot's validation uses it; a loss can check its labels with its own names.
 */
export function classIndexError(fn: string, name: string, indices: Tensor, depth: number): InvalidArgumentError | null {
  const data = indices.data;
  for (let i = 0; i < data.length; i++) {
    const k = data[i];
    if (!Number.isInteger(k) || k < 0 || k >= depth) {
      return new InvalidArgumentError(`${fn}: ${name}[${i}] must be an integer class index in [0, ${depth - 1}], received ${k}.`);
    }
  }
  return null;
}

export function validateOneHot(indices: Tensor, options: OneHotOptions): void {
  const fn = 'oneHot';
  assertTensor(fn, 'indices', indices);
  assertPositiveInt(fn, 'depth', options?.depth);
  // One index per row of labels: few, so every one is checked here, for every backend.
  const bad = classIndexError(fn, 'indices', indices, options.depth);
  if (bad) throw bad;
}

export function validateAssign(target: Tensor, source: Tensor): void {
  const fn = 'assign';
  assertTensor(fn, 'target', target);
  assertTensor(fn, 'source', source);
  assertSameShape(fn, 'target', target, 'source', source);
  if (overlap(target, source)) throw new InvalidArgumentError(`${fn}: source must not share memory with target.`);
}

export function validateAxpby(y: Tensor, x: Tensor, options: AxpbyOptions): void {
  const fn = 'axpby';
  assertTensor(fn, 'y', y);
  assertTensor(fn, 'x', x);
  assertSameShape(fn, 'y', y, 'x', x);
  assertFiniteNumber(fn, 'alpha', options?.alpha);
  assertFiniteNumber(fn, 'beta', options.beta);
  if (overlap(y, x)) throw new InvalidArgumentError(`${fn}: x must not share memory with y.`);
}

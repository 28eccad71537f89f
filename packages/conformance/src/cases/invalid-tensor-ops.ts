import { InvalidArgumentError, ShapeError, Tensor } from '@batchwise/core';
import { bad, t, type InvalidCase } from './invalid-windows.js';

/* Invalid-argument cases of the comparison, broadcasting, data-movement and layer-state kernels. */

const S = ShapeError;
const I = InvalidArgumentError;
const labels = (...values: number[]): Tensor => new Tensor(Float32Array.from(values), [values.length]);

export const INVALID_TENSOR_OP_CASES: InvalidCase[] = [
  ...(['equal', 'greater'] as const).map((k): InvalidCase => ({
    kernel: k, name: 'b of another shape', call: (o) => o[k](t(2, 3), t(3, 2)), error: S,
    message: `${k}: b must have the shape of a [2,3], received [3,2].`,
  })),
  { kernel: 'broadcastBinary', name: 'unknown op', call: (o) => o.broadcastBinary(t(2, 3), t(3), { op: bad('pow'), axis: -1 }), error: I,
    message: "broadcastBinary: op must be one of 'add', 'sub', 'mul', 'div', received 'pow'." },
  { kernel: 'broadcastBinary', name: 'axis out of range', call: (o) => o.broadcastBinary(t(2, 3), t(3), { op: 'add', axis: 2 }), error: I,
    message: 'broadcastBinary: axis must be an integer in [-2, 1], received 2.' },
  { kernel: 'broadcastBinary', name: 'fractional axis', call: (o) => o.broadcastBinary(t(2, 3), t(3), { op: 'add', axis: 0.5 }), error: I,
    message: 'broadcastBinary: axis must be an integer in [-2, 1], received 0.5.' },
  { kernel: 'broadcastBinary', name: 'v of the other axis', call: (o) => o.broadcastBinary(t(2, 3), t(2), { op: 'mul', axis: -1 }), error: S,
    message: 'broadcastBinary: v must have shape [3] (x [2,3] along axis -1), received [2].' },
  { kernel: 'broadcastBinary', name: 'v not a vector', call: (o) => o.broadcastBinary(t(2, 3), t(1, 3), { op: 'mul', axis: 1 }), error: S,
    message: 'broadcastBinary: v must have shape [3] (x [2,3] along axis 1), received [1,3].' },
  { kernel: 'broadcastBinary', name: 'x of rank 0', call: (o) => o.broadcastBinary(t(), t(1), { op: 'add', axis: 0 }), error: S,
    message: 'broadcastBinary: x must have rank >= 1, received rank 0 (shape []).' },
  { kernel: 'gather', name: 'index past the end', call: (o) => o.gather(t(4, 2), Int32Array.of(0, 4), { axis: 0 }), error: I,
    message: 'gather: indices[1] must be in [0, 4), received 4.' },
  { kernel: 'gather', name: 'negative index', call: (o) => o.gather(t(2, 3), Int32Array.of(-1), { axis: 1 }), error: I,
    message: 'gather: indices[0] must be in [0, 3), received -1.' },
  { kernel: 'gather', name: 'indices not an Int32Array', call: (o) => o.gather(t(4, 2), bad([0, 1]), { axis: 0 }), error: I,
    message: 'gather: indices must be an Int32Array, received [0,1].' },
  { kernel: 'gather', name: 'axis missing', call: (o) => o.gather(t(4, 2), Int32Array.of(0), bad({})), error: I,
    message: 'gather: axis must be an integer in [-2, 1], received undefined.' },
  { kernel: 'concat', name: 'no tensors', call: (o) => o.concat([], { axis: 0 }), error: I,
    message: 'concat: tensors must be a non-empty array of tensors, received [].' },
  { kernel: 'concat', name: 'a part not a tensor', call: (o) => o.concat([t(2), bad(3)], { axis: 0 }), error: I,
    message: 'concat: tensors[1] must be a Tensor, received 3.' },
  { kernel: 'concat', name: 'parts differing off the axis', call: (o) => o.concat([t(2, 3), t(4, 2)], { axis: 0 }), error: S,
    message: 'concat: tensors[1] must match tensors[0] [2,3] in every axis but 0, received [4,2].' },
  { kernel: 'concat', name: 'parts of another rank', call: (o) => o.concat([t(2, 3), t(2, 3, 1)], { axis: -1 }), error: S,
    message: 'concat: tensors[1] must match tensors[0] [2,3] in every axis but -1, received [2,3,1].' },
  { kernel: 'concat', name: 'axis out of range', call: (o) => o.concat([t(2, 3)], { axis: -3 }), error: I,
    message: 'concat: axis must be an integer in [-2, 1], received -3.' },
  { kernel: 'oneHot', name: 'label equal to depth', call: (o) => o.oneHot(labels(0, 3), { depth: 3 }), error: I,
    message: 'oneHot: indices[1] must be an integer class index in [0, 2], received 3.' },
  { kernel: 'oneHot', name: 'fractional label', call: (o) => o.oneHot(labels(1.5), { depth: 3 }), error: I,
    message: 'oneHot: indices[0] must be an integer class index in [0, 2], received 1.5.' },
  { kernel: 'oneHot', name: 'NaN label', call: (o) => o.oneHot(labels(0, NaN), { depth: 3 }), error: I,
    message: 'oneHot: indices[1] must be an integer class index in [0, 2], received NaN.' },
  { kernel: 'oneHot', name: 'depth 0', call: (o) => o.oneHot(labels(0), { depth: 0 }), error: I,
    message: 'oneHot: depth must be a positive integer, received 0.' },
  { kernel: 'assign', name: 'source of another shape', call: (o) => o.assign(t(2, 3), t(3, 2)), error: S,
    message: 'assign: source must have the shape of target [2,3], received [3,2].' },
  { kernel: 'assign', name: 'source overlapping target', call: (o) => {
    const buffer = new Float32Array(5);
    return o.assign(new Tensor(buffer.subarray(0, 4), [4]), new Tensor(buffer.subarray(1, 5), [4]));
  }, error: I, message: 'assign: source must not share memory with target.' },
  { kernel: 'axpby', name: 'NaN alpha', call: (o) => o.axpby(t(3), t(3), { alpha: NaN, beta: 1 }), error: I,
    message: 'axpby: alpha must be a finite number, received NaN.' },
  { kernel: 'axpby', name: 'infinite beta', call: (o) => o.axpby(t(3), t(3), { alpha: 1, beta: -Infinity }), error: I,
    message: 'axpby: beta must be a finite number, received -Infinity.' },
  { kernel: 'axpby', name: 'x of another shape', call: (o) => o.axpby(t(3), t(4), { alpha: 1, beta: 1 }), error: S,
    message: 'axpby: x must have the shape of y [3], received [4].' },
  { kernel: 'axpby', name: 'x sharing memory with y', call: (o) => {
    const y = t(3);
    return o.axpby(y, y.reshape([3]), { alpha: 1, beta: 1 });
  }, error: I, message: 'axpby: x must not share memory with y.' },
];

import { InvalidArgumentError, ShapeError, Tensor } from '@batchwise/core';
import { bad, t, type InvalidCase } from './invalid-windows.js';

/*
 * Invalid-argument cases of core's WINDOW_LIMITS (the ranges of kernel and
 * pool sizes, strides and dilations, checked before any work) and of tensors
 * whose data does not match their shape. Every backend must give these exact
 * answers: cpu used to accept a stride of 2^31 that native refused, spin for
 * minutes on a 'same' window of 30000, and read past a forged tensor's data.
 */

const S = ShapeError;
const I = InvalidArgumentError;
const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
const BIG = 2 ** 31;

/** An object that passes `instanceof Tensor` without the constructor's checks, as JavaScript can make. */
function forged(data: Float32Array, shape: number[], size = shape.reduce((a, b) => a * b, 1)): Tensor {
  return Object.assign(Object.create(Tensor.prototype) as Tensor, { data, shape, size });
}

/** A real tensor whose shape was overwritten afterwards (readonly is only a compile-time promise). */
function mutated(shape: number[]): Tensor {
  const x = t(2, 2);
  Object.defineProperty(x, 'shape', { value: shape });
  return x;
}

export const INVALID_LIMIT_CASES: InvalidCase[] = [
  { kernel: 'conv2d', name: 'stride 2^31', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, strides: [BIG, 1] }), error: I,
    message: 'conv2d: strides must be a pair of integers in [1, 2147483647], received [2147483648,1].' },
  { kernel: 'conv2d', name: 'dilation past int32', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, dilations: [BIG, 1] }), error: I,
    message: 'conv2d: dilations must be a pair of integers in [1, 2147483647], received [2147483648,1].' },
  { kernel: 'conv2d', name: 'effective window past int32', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, dilations: [2 ** 30, 1] }), error: S,
    message: 'conv2d: window [3,3] with dilation [1073741824,1] must span at most 2147483647 elements, received [2147483649,3].' },
  { kernel: 'conv2d', name: "'same' window of more than 2 x input + 1 taps", call: (o) => o.conv2d(t(1, 4, 4, 1), t(10, 3, 1, 1), conv), error: S,
    message: "conv2d: window must be at most [9,9] (2 x input size + 1) with 'same' padding on input [1,4,4,1], received [10,3]." },
  { kernel: 'conv2dBackpropInput', name: 'inputShape past 2^31 - 1 elements',
    call: (o) => o.conv2dBackpropInput(t(1, 1, 1, 1), t(1, 1, 1, 1), [1, 65536, 65536, 1], { strides: [65536, 65536], padding: 'valid', dilations: [1, 1] }), error: S,
    message: 'conv2dBackpropInput: input must have at most 2147483647 elements, received [1,65536,65536,1] (4294967296 elements).' },
  { kernel: 'conv2dBackpropFilter', name: 'filterShape past 2^31 - 1 elements', call: (o) => o.conv2dBackpropFilter(t(1, 1, 1, 1), t(1, 1, 1, 1), [1, 1, 1, BIG], conv), error: S,
    message: 'conv2dBackpropFilter: filter must have at most 2147483647 elements, received [1,1,1,2147483648] (2147483648 elements).' },
  { kernel: 'conv2dBackpropFilter', name: "'same' window of 30000 on 28x28", call: (o) => o.conv2dBackpropFilter(t(1, 28, 28, 1), t(1, 28, 28, 1), [30000, 30000, 1, 1], conv), error: S,
    message: "conv2dBackpropFilter: window must be at most [57,57] (2 x input size + 1) with 'same' padding on input [1,28,28,1], received [30000,30000]." },
  { kernel: 'maxPool', name: 'stride 2^31', call: (o) => o.maxPool(t(1, 4, 4, 1), { ...pool, strides: [2, BIG] }), error: I,
    message: 'maxPool: strides must be a pair of integers in [1, 2147483647], received [2,2147483648].' },
  { kernel: 'maxPool', name: 'poolSize 2^31', call: (o) => o.maxPool(t(1, 4, 4, 1), { ...pool, poolSize: [BIG, BIG], padding: 'same' }), error: I,
    message: 'maxPool: poolSize must be a pair of integers in [1, 2147483647], received [2147483648,2147483648].' },
  { kernel: 'maxPool', name: "'same' pool of 30000 on 28x28", call: (o) => o.maxPool(t(1, 28, 28, 1), { poolSize: [30000, 30000], strides: [1, 1], padding: 'same' }), error: S,
    message: "maxPool: window must be at most [57,57] (2 x input size + 1) with 'same' padding on input [1,28,28,1], received [30000,30000]." },
  // Tensors whose data does not match their shape.
  { kernel: 'matMul', name: 'forged tensor: 3 values claiming [100,100]', call: (o) => o.matMul(forged(new Float32Array(3), [100, 100]), t(100, 100)), error: S,
    message: 'matMul: a must have 10000 elements for shape [100,100], received 3.' },
  { kernel: 'conv2d', name: 'forged tensor: 3 values claiming [1,10,10,1]', call: (o) => o.conv2d(forged(new Float32Array(3), [1, 10, 10, 1]), t(3, 3, 1, 1), conv), error: S,
    message: 'conv2d: x must have 100 elements for shape [1,10,10,1], received 3.' },
  { kernel: 'conv2d', name: 'forged filter: size agreeing with 3 values, shape [3,3,1,1]', call: (o) => o.conv2d(t(1, 5, 5, 1), forged(new Float32Array(3), [3, 3, 1, 1], 3), conv), error: S,
    message: 'conv2d: filter must have 9 elements for shape [3,3,1,1], received 3.' },
  { kernel: 'matMul', name: 'tensor whose shape was overwritten', call: (o) => o.matMul(mutated([100, 100]), t(100, 100)), error: S,
    message: 'matMul: a must have 10000 elements for shape [100,100], received 4.' },
  { kernel: 'relu', name: 'forged tensor with an array as data', call: (o) => o.relu(forged(bad([1, 2, 3]), [3])), error: I,
    message: 'relu: x.data must be a Float32Array, received [1,2,3].' },
  { kernel: 'add', name: 'forged tensor with a fractional dimension', call: (o) => o.add(forged(new Float32Array(3), [1.5, 2], 3), t(3)), error: S,
    message: 'add: a.shape must be an array of non-negative integers, received [1.5,2].' },
  { kernel: 'sum', name: 'forged tensor whose size disagrees with its shape', call: (o) => o.sum(forged(new Float32Array(4), [2, 2], 3)), error: S,
    message: 'sum: x.size must be 4 for shape [2,2], received 3.' },
];

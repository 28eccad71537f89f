import { assertOneOf, assertRank, assertShapeLike, assertTensor } from '../assert.js';
import type { Conv2DOptions } from '../backend.js';
import { ShapeError } from '../errors.js';
import { conv2dOutputShape } from '../geometry.js';
import { formatShape, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertWindowPair } from '../window-limits.js';

export const PADDINGS = ['same', 'valid'] as const;

export function validateConv2DOptions(fn: string, options: Conv2DOptions): void {
  assertWindowPair(fn, 'strides', options?.strides);
  assertOneOf(fn, 'padding', options.padding, PADDINGS);
  assertWindowPair(fn, 'dilations', options.dilations);
}

/** Every dimension >= 1. A loop, not `some`: tensor shapes are frozen arrays, which `some` reads through the generic slow path. */
function allPositive(shape: Shape): boolean {
  for (let i = 0; i < shape.length; i++) if (shape[i] < 1) return false;
  return true;
}

export function validateFilterShape(fn: string, name: string, filterShape: Shape, inChannels: number): void {
  if (filterShape.length !== 4 || !allPositive(filterShape)) {
    throw new ShapeError(`${fn}: ${name} must have rank 4 [kh,kw,in,out] with positive sizes, received ${formatShape(filterShape)}.`);
  }
  if (filterShape[2] !== inChannels) {
    throw new ShapeError(
      `${fn}: ${name} in-channels (dimension 2) must equal the input's channels ${inChannels}, received ${formatShape(filterShape)}.`,
    );
  }
}

export function validateInputShape(fn: string, name: string, shape: Shape): void {
  if (shape.length !== 4 || !allPositive(shape)) {
    throw new ShapeError(`${fn}: ${name} must be NHWC (rank 4) with positive sizes, received ${formatShape(shape)}.`);
  }
}

export function validateConv2d(x: Tensor, filter: Tensor, options: Conv2DOptions): void {
  validateConvOperands('conv2d', x, filter, options);
}

/** x, filter and options of a forward convolution (plain or fused); returns the output shape. */
export function validateConvOperands(fn: string, x: Tensor, filter: Tensor, options: Conv2DOptions, xName = 'x'): Shape {
  assertTensor(fn, xName, x);
  assertTensor(fn, 'filter', filter);
  assertRank(fn, xName, x, 4);
  assertRank(fn, 'filter', filter, 4);
  validateInputShape(fn, xName, x.shape);
  validateConv2DOptions(fn, options);
  validateFilterShape(fn, 'filter', filter.shape, x.shape[3]);
  return conv2dOutputShape(x.shape, filter.shape, options, fn);
}

function validateDy(fn: string, dy: Tensor, inputShape: Shape, filterShape: Shape, options: Conv2DOptions): void {
  const expected = conv2dOutputShape(inputShape, filterShape, options, fn);
  if (!shapesEqual(dy.shape, expected)) {
    throw new ShapeError(`${fn}: dy must have shape ${formatShape(expected)}, received ${formatShape(dy.shape)}.`);
  }
}

export function validateConv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: Conv2DOptions): void {
  const fn = 'conv2dBackpropInput';
  assertTensor(fn, 'dy', dy);
  assertTensor(fn, 'filter', filter);
  assertShapeLike(fn, 'inputShape', inputShape);
  validateInputShape(fn, 'inputShape', inputShape);
  assertRank(fn, 'filter', filter, 4);
  validateConv2DOptions(fn, options);
  validateFilterShape(fn, 'filter', filter.shape, inputShape[3]);
  validateDy(fn, dy, inputShape, filter.shape, options);
}

export function validateConv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: Conv2DOptions): void {
  const fn = 'conv2dBackpropFilter';
  assertTensor(fn, 'x', x);
  assertTensor(fn, 'dy', dy);
  assertRank(fn, 'x', x, 4);
  validateInputShape(fn, 'x', x.shape);
  assertShapeLike(fn, 'filterShape', filterShape);
  validateConv2DOptions(fn, options);
  validateFilterShape(fn, 'filterShape', filterShape, x.shape[3]);
  validateDy(fn, dy, x.shape, filterShape, options);
}

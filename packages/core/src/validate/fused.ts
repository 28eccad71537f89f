import { assertRank, assertShape, assertTensor } from '../assert.js';
import type {
  BatchNormInferenceParams,
  BatchNormReluBackwardParams,
  BatchNormReluOptions,
  Conv2DBatchNormReluBackwardFilterParams,
  Conv2DBatchNormReluOptions,
  Conv2DBatchNormReluTrainingOptions,
} from '../backend.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { poolOutputShape } from '../geometry.js';
import { formatShape, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { validateBatchNormInput, validateChannelParams, validateEpsilon } from './batch-norm.js';
import { validateConvOperands } from './conv.js';
import { validatePoolOptions } from './pooling.js';

/* Checks of the fused kernels: those of the kernels each one chains. */

/** An optional pool on an NHWC tensor of `shape`; returns the pooled shape (or `shape` without pool). */
function validateOptionalPool(fn: string, pool: unknown, shape: Shape): Shape {
  if (pool === undefined) return shape;
  if (pool === null || typeof pool !== 'object') {
    throw new InvalidArgumentError(`${fn}: pool must be an object { poolSize, strides, padding } or omitted, received ${pool === null ? 'null' : typeof pool}.`);
  }
  if (shape.length !== 4) throw new ShapeError(`${fn}: pool needs NHWC x (rank 4), received shape ${formatShape(shape)}.`);
  validatePoolOptions(fn, pool as BatchNormReluOptions['pool'] & object);
  return poolOutputShape(shape, pool as NonNullable<BatchNormReluOptions['pool']>, fn);
}

export function validateBatchNormReluTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormReluOptions): void {
  const fn = 'batchNormReluTraining';
  validateBatchNormInput(fn, 'x', x);
  validateChannelParams(fn, x, { gamma, beta });
  validateEpsilon(fn, options?.epsilon);
  validateOptionalPool(fn, options.pool, x.shape);
}

export function validateBatchNormReluBackward(dy: Tensor, params: BatchNormReluBackwardParams): void {
  validateBatchNormReluBackwardAs('batchNormReluBackward', dy, params);
}

function validateBatchNormReluBackwardAs(fn: string, dy: Tensor, params: BatchNormReluBackwardParams): void {
  assertTensor(fn, 'dy', dy);
  assertTensor(fn, 'x', params?.x);
  validateBatchNormInput(fn, 'x', params.x);
  validateChannelParams(fn, params.x, { gamma: params.gamma, mean: params.mean, invStd: params.invStd });
  assertTensor(fn, 'y', params.y);
  assertShape(fn, 'y', params.y, dy.shape);
  const { argmax, pool } = params;
  if ((argmax === undefined) !== (pool === undefined)) {
    throw new InvalidArgumentError(`${fn}: argmax and pool must be given together (a pooled forward) or both omitted, received ${argmax === undefined ? 'pool only' : 'argmax only'}.`);
  }
  if (argmax === undefined) {
    assertShape(fn, 'dy', dy, params.x.shape);
    return;
  }
  if (!(argmax instanceof Int32Array)) {
    throw new InvalidArgumentError(`${fn}: argmax must be an Int32Array or omitted, received ${argmax === null ? 'null' : typeof argmax}.`);
  }
  assertRank(fn, 'dy', dy, 4);
  if (params.x.rank !== 4 || dy.shape[0] !== params.x.shape[0] || dy.shape[3] !== params.x.shape[3]) {
    throw new ShapeError(`${fn}: with argmax, x must be NHWC with dy's batch and channels ${formatShape(dy.shape)}, received ${formatShape(params.x.shape)}.`);
  }
  if (argmax.length !== dy.size) {
    throw new ShapeError(`${fn}: argmax must have one index per dy element (${dy.size}), received ${argmax.length}.`);
  }
  const pooled = validateOptionalPool(fn, pool, params.x.shape);
  if (!shapesEqual(dy.shape, pooled)) throw new ShapeError(`${fn}: dy must have the pooled shape ${formatShape(pooled)}, received ${formatShape(dy.shape)}.`);
  // The indices themselves are checked by the kernel that reads them (see argmaxRangeError).
}

/** Per-channel tensors of the conv's out-channels. */
function validateOutChannelParam(fn: string, filter: Tensor, name: string, t: Tensor): void {
  const out = filter.shape[3];
  assertTensor(fn, name, t);
  if (t.shape.length !== 1 || t.shape[0] !== out) throw new ShapeError(`${fn}: ${name} must have shape [${out}] (the filter's out-channels), received ${formatShape(t.shape)}.`);
}

export function validateConv2dBatchNormRelu(x: Tensor, filter: Tensor, params: BatchNormInferenceParams, options: Conv2DBatchNormReluOptions): void {
  const fn = 'conv2dBatchNormRelu';
  const z = validateConvOperands(fn, x, filter, options);
  // Read before any check, as a missing params object has always failed here first.
  const mean = params?.mean;
  const variance = params.variance;
  const gamma = params.gamma;
  const beta = params.beta;
  validateOutChannelParam(fn, filter, 'mean', mean);
  validateOutChannelParam(fn, filter, 'variance', variance);
  validateOutChannelParam(fn, filter, 'gamma', gamma);
  validateOutChannelParam(fn, filter, 'beta', beta);
  validateEpsilon(fn, params.epsilon);
  validateOptionalPool(fn, options.pool, z);
}

export function validateConv2dBatchNormReluTraining(
  x: Tensor, filter: Tensor, gamma: Tensor, beta: Tensor, options: Conv2DBatchNormReluTrainingOptions,
): void {
  const fn = 'conv2dBatchNormReluTraining';
  const z = validateConvOperands(fn, x, filter, options);
  validateOutChannelParam(fn, filter, 'gamma', gamma);
  validateOutChannelParam(fn, filter, 'beta', beta);
  validateEpsilon(fn, options.epsilon);
  validateOptionalPool(fn, options.pool, z);
}

export function validateConv2dBatchNormReluBackwardFilter(dy: Tensor, params: Conv2DBatchNormReluBackwardFilterParams): void {
  const fn = 'conv2dBatchNormReluBackwardFilter';
  const z = validateConvOperands(fn, params?.input, params.filter, params.conv, 'input');
  assertTensor(fn, 'x', params.x);
  if (!shapesEqual(params.x.shape, z)) {
    throw new ShapeError(`${fn}: x (the conv output z) must have the conv's output shape ${formatShape(z)}, received ${formatShape(params.x.shape)}.`);
  }
  validateBatchNormReluBackwardAs(fn, dy, params);
}

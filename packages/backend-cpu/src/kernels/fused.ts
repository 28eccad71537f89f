import {
  argmaxRangeError,
  conv2dGeometry,
  makeTensor,
  outputFloat32,
  poolGeometry,
  type BatchNormGradients,
  type BatchNormInferenceParams,
  type BatchNormReluBackwardParams,
  type BatchNormReluOptions,
  type BatchNormReluTrainingResult,
  type Conv2DBatchNormReluBackwardFilterParams,
  type Conv2DBatchNormReluFilterGradients,
  type Conv2DBatchNormReluOptions,
  type Conv2DBatchNormReluTrainingOptions,
  type Conv2DBatchNormReluTrainingResult,
  type MaxPoolOptions,
  type Tensor,
} from '@batchwise/core';
import { reluImpl } from './activations.js';
import { batchNormBackward, batchNormInference, batchNormTraining } from './batch-norm.js';
import { conv2dBackpropFilter, conv2dImpl } from './conv2d.js';
import { maxPoolImpl } from './max-pool.js';

/*
 * The fused kernels on the cpu backend: the chains they stand for, run in
 * place on one scratch buffer, so they give the unfused chain's bits (same
 * loops, same order). The native backend is where fusion saves passes.
 */

/** The optional max pool of a ReLU output r (rank 4); r itself when there is none. */
function poolOrSelf(r: Tensor, pool: MaxPoolOptions | undefined): { y: Tensor; argmax?: Int32Array } {
  if (!pool) return { y: r };
  const g = poolGeometry(r.shape, pool);
  const shape = [g.batch, g.outHeight, g.outWidth, g.inChannels];
  const y = outputFloat32(shape.reduce((a, b) => a * b, 1));
  const argmax = new Int32Array(y.length);
  maxPoolImpl(r.data, g, y, argmax);
  return { y: makeTensor(y, shape), argmax };
}

/** The `batchNormReluTraining` kernel: batchNormTraining, relu in place, then the optional maxPool. */
export function batchNormReluTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormReluOptions): BatchNormReluTrainingResult {
  const bn = batchNormTraining(x, gamma, beta, options);
  reluImpl(bn.y.data, bn.y.data);
  return { ...bn, ...poolOrSelf(bn.y, options.pool) };
}

/**
 * The `batchNormReluBackward` kernel: dy routed to the ReLU output (through
 * argmax when pooled), kept where that output is positive, then batch norm's
 * backward. Adds in the order of dy's elements, as maxPoolBackward does.
 */
export function batchNormReluBackward(dy: Tensor, p: BatchNormReluBackwardParams): BatchNormGradients {
  const dbn = new Float32Array(p.x.size);
  const { argmax } = p;
  const y = p.y.data;
  const g = dy.data;
  if (argmax) {
    for (let i = 0; i < g.length; i++) {
      const j = argmax[i];
      if (!(j >= 0 && j < dbn.length)) throw argmaxRangeError(argmax, dbn.length) as Error;
      if (y[i] > 0) dbn[j] += g[i];
    }
  } else {
    for (let i = 0; i < g.length; i++) dbn[i] = y[i] > 0 ? g[i] : 0;
  }
  return batchNormBackward(makeTensor(dbn, p.x.shape), p);
}

/** The `conv2dBatchNormRelu` kernel: conv2d, batchNormInference and relu in place, then the optional maxPool. */
export function conv2dBatchNormRelu(x: Tensor, filter: Tensor, params: BatchNormInferenceParams, options: Conv2DBatchNormReluOptions): Tensor {
  const g = conv2dGeometry(x.shape, filter.shape, options);
  const shape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const z = new Float32Array(shape.reduce((a, b) => a * b, 1));
  conv2dImpl(x.data, filter.data, g, z);
  const bn = batchNormInference(makeTensor(z, shape), params);
  reluImpl(bn.data, bn.data);
  return poolOrSelf(bn, options.pool).y;
}

/** The `conv2dBatchNormReluTraining` kernel: conv2d, then batchNormReluTraining on its output. */
export function conv2dBatchNormReluTraining(
  x: Tensor, filter: Tensor, gamma: Tensor, beta: Tensor, options: Conv2DBatchNormReluTrainingOptions,
): Conv2DBatchNormReluTrainingResult {
  const g = conv2dGeometry(x.shape, filter.shape, options);
  const shape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const z = outputFloat32(shape.reduce((a, b) => a * b, 1));
  conv2dImpl(x.data, filter.data, g, z);
  const zt = makeTensor(z, shape);
  return { z: zt, ...batchNormReluTraining(zt, gamma, beta, { epsilon: options.epsilon, ...(options.pool ? { pool: options.pool } : {}) }) };
}

/** The `conv2dBatchNormReluBackwardFilter` kernel: batchNormReluBackward on z, then conv2dBackpropFilter with its dx. */
export function conv2dBatchNormReluBackwardFilter(dy: Tensor, p: Conv2DBatchNormReluBackwardFilterParams): Conv2DBatchNormReluFilterGradients {
  const g = batchNormReluBackward(dy, p);
  return { dfilter: conv2dBackpropFilter(p.input, g.dx, p.filter.shape, p.conv), dgamma: g.dgamma, dbeta: g.dbeta };
}

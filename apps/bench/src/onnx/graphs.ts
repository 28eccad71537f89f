import { ACT_SHAPE, BN_EPSILON, CONV, CONV_FILTER_SHAPE, MATMUL, POOL } from '../kernels/cases.js';
import type { KernelId } from '../types.js';
import type { OnnxGraph, OnnxNode } from '@batchwise/onnx-codec';

/*
 * One small ONNX graph per kernel onnxruntime can run. Conv, ConvTranspose,
 * BatchNormalization and MaxPool are NCHW in ONNX, so those graphs take NCHW
 * inputs (the harness transposes the data once, untimed): each engine runs in
 * its native layout. Weights are graph inputs, not initializers, because in
 * training they change every step; onnxruntime cannot pre-pack them.
 */

const nchw = (s: readonly number[]) => [s[0], s[3], s[1], s[2]];
const ACT_NCHW = nchw(ACT_SHAPE);
const CONV_X_NCHW = [CONV.batch, CONV.inChannels, CONV.height, CONV.width];
const CONV_Y_NCHW = [CONV.batch, CONV.outChannels, CONV.height, CONV.width];
/** OIHW filter; ConvTranspose reads the same array as [C_in of dy = O, C_out = I, kh, kw]. */
export const CONV_FILTER_OIHW = [CONV_FILTER_SHAPE[3], CONV_FILTER_SHAPE[2], CONV_FILTER_SHAPE[0], CONV_FILTER_SHAPE[1]];
const C = ACT_SHAPE[3];
const CONV_ATTRS = { kernel_shape: { ints: [CONV.kernel, CONV.kernel] }, pads: { ints: [1, 1, 1, 1] }, strides: { ints: [1, 1] } };

/**
 * Batch-norm training forward and backward from basic operators (onnxruntime
 * has no gradient kernels): NHWC, statistics over axes 0..2, biased variance.
 * dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)) (Ioffe & Szegedy 2015, sec. 3).
 */
function batchNormTrainingGraph(): OnnxGraph {
  const axes = { axes: { ints: [0, 1, 2] }, keepdims: { i: 1 } };
  const n = (opType: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): OnnxNode => ({
    opType,
    inputs,
    outputs: [output],
    ...(attributes ? { attributes } : {}),
  });
  const count = ACT_SHAPE[0] * ACT_SHAPE[1] * ACT_SHAPE[2];
  return {
    name: 'batch_norm_training_fwd_bwd',
    nodes: [
      n('ReduceMean', ['x'], 'mean', axes),
      n('Sub', ['x', 'mean'], 'xc'),
      n('Mul', ['xc', 'xc'], 'xc2'),
      n('ReduceMean', ['xc2'], 'var', axes),
      n('Add', ['var', 'eps'], 'var_eps'),
      n('Sqrt', ['var_eps'], 'std'),
      n('Reciprocal', ['std'], 'inv_std'),
      n('Mul', ['xc', 'inv_std'], 'xhat'),
      n('Mul', ['xhat', 'gamma'], 'scaled'),
      n('Add', ['scaled', 'beta'], 'y'),
      n('ReduceMean', ['dy'], 'mean_dy', axes),
      n('Mul', ['dy', 'xhat'], 'dy_xhat'),
      n('ReduceMean', ['dy_xhat'], 'mean_dy_xhat', axes),
      n('Mul', ['xhat', 'mean_dy_xhat'], 't1'),
      n('Sub', ['dy', 'mean_dy'], 't2'),
      n('Sub', ['t2', 't1'], 't3'),
      n('Mul', ['gamma', 'inv_std'], 'g_inv'),
      n('Mul', ['t3', 'g_inv'], 'dx'),
      n('Mul', ['mean_dy_xhat', 'count'], 'dgamma'),
      n('Mul', ['mean_dy', 'count'], 'dbeta'),
    ],
    inputs: [
      { name: 'x', shape: ACT_SHAPE },
      { name: 'dy', shape: ACT_SHAPE },
      { name: 'gamma', shape: [C] },
      { name: 'beta', shape: [C] },
    ],
    initializers: [
      { name: 'eps', dims: [1], data: Float32Array.of(BN_EPSILON) },
      { name: 'count', dims: [1], data: Float32Array.of(count) },
    ],
    outputs: [{ name: 'y' }, { name: 'dx' }, { name: 'dgamma' }, { name: 'dbeta' }],
  };
}

/** The graph for a kernel, or the reason onnxruntime has none. */
export function onnxGraph(id: KernelId): OnnxGraph | { unavailable: string } {
  switch (id) {
    case 'matMul':
      return {
        name: 'matmul',
        nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [{ name: 'a', shape: [MATMUL.m, MATMUL.k] }, { name: 'b', shape: [MATMUL.k, MATMUL.n] }],
        outputs: [{ name: 'y' }],
      };
    case 'conv2d':
      return {
        name: 'conv2d',
        nodes: [{ opType: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: CONV_ATTRS }],
        inputs: [{ name: 'x', shape: CONV_X_NCHW }, { name: 'w', shape: CONV_FILTER_OIHW }],
        outputs: [{ name: 'y' }],
      };
    case 'conv2dBackpropInput':
      // The input gradient of a convolution is the transposed convolution with the same filter.
      return {
        name: 'conv2d_backprop_input',
        nodes: [{ opType: 'ConvTranspose', inputs: ['dy', 'w'], outputs: ['dx'], attributes: CONV_ATTRS }],
        inputs: [{ name: 'dy', shape: CONV_Y_NCHW }, { name: 'w', shape: CONV_FILTER_OIHW }],
        outputs: [{ name: 'dx' }],
      };
    case 'batchNormTraining':
      return {
        name: 'batch_norm_training',
        nodes: [{
          opType: 'BatchNormalization',
          inputs: ['x', 'gamma', 'beta', 'mean', 'var'],
          outputs: ['y', 'running_mean', 'running_var'],
          attributes: { epsilon: { f: BN_EPSILON }, momentum: { f: 0.99 }, training_mode: { i: 1 } },
        }],
        inputs: [{ name: 'x', shape: ACT_NCHW }, ...['gamma', 'beta', 'mean', 'var'].map((name) => ({ name, shape: [C] }))],
        outputs: [{ name: 'y' }, { name: 'running_mean' }, { name: 'running_var' }],
      };
    case 'batchNormTrainingBackward':
      return batchNormTrainingGraph();
    case 'batchNormInference':
      return {
        name: 'batch_norm_inference',
        nodes: [{ opType: 'BatchNormalization', inputs: ['x', 'gamma', 'beta', 'mean', 'var'], outputs: ['y'], attributes: { epsilon: { f: BN_EPSILON } } }],
        inputs: [{ name: 'x', shape: ACT_NCHW }, ...['gamma', 'beta', 'mean', 'var'].map((name) => ({ name, shape: [C] }))],
        outputs: [{ name: 'y' }],
      };
    case 'maxPool':
    case 'maxPoolInference':
      return {
        name: 'max_pool',
        nodes: [{ opType: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: { ints: [POOL, POOL] }, strides: { ints: [POOL, POOL] } } }],
        inputs: [{ name: 'x', shape: ACT_NCHW }],
        outputs: [{ name: 'y' }],
      };
    case 'conv2dBackpropFilter':
    case 'maxPoolBackward':
      return { unavailable: 'onnxruntime-node has no gradient kernels (inference only)' };
  }
}

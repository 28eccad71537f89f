import * as tf from '@tensorflow/tfjs-core';
import { ACT_SHAPE, BN_EPSILON, CONV_FILTER_SHAPE, CONV_X_SHAPE, CONV_Y_SHAPE, MATMUL, POOL, POOLED_SHAPE } from '../kernels/cases.js';
import { kernelInputs } from '../kernels/inputs.js';
import type { KernelId } from '../types.js';

/*
 * The same kernels through TensorFlow.js, the way tfjs-layers calls them.
 * Kernels without a public op (the conv and pooling gradients) go through
 * `runKernel` with the attributes tfjs-core's own gradient code passes.
 * Outputs are disposed inside `tidy` so memory stays flat over the runs.
 */

type Kernel = () => void;

const CONV_ATTRS = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined } as const;
const POOL_ATTRS = { filterSize: [POOL, POOL], strides: [POOL, POOL], pad: 'valid', dimRoundingMode: undefined } as const;

/** Training-mode batch norm as tfjs-layers computes it: moments over every axis but the last, then batchNorm. */
function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON) as tf.Tensor4D;
}

/**
 * Builds one kernel call; its input tensors live on the backend active now
 * (the caller switches backend first). Returns the call and a disposer.
 */
export function tfjsRunner(id: KernelId, batchDivisor = 1): { run: Kernel; dispose: () => void } {
  const d = kernelInputs();
  const keep: tf.Tensor[] = [];
  const t4 = (data: Float32Array, shape: readonly number[]) => {
    const t = tf.tensor4d(data, shape as [number, number, number, number]);
    keep.push(t);
    return t;
  };
  const t1 = (data: Float32Array) => {
    const t = tf.tensor1d(data);
    keep.push(t);
    return t;
  };
  const dispose = () => keep.forEach((t) => t.dispose());
  const tidy = (f: () => unknown): Kernel => () => tf.tidy(() => void f());
  let run: Kernel;
  switch (id) {
    case 'matMul': {
      const a = tf.tensor2d(d.a, [MATMUL.m, MATMUL.k]);
      const b = tf.tensor2d(d.b, [MATMUL.k, MATMUL.n]);
      keep.push(a, b);
      run = tidy(() => tf.matMul(a, b));
      break;
    }
    case 'conv2d': {
      const x = t4(d.convX, CONV_X_SHAPE);
      const f = t4(d.convFilter, CONV_FILTER_SHAPE);
      run = tidy(() => tf.conv2d(x, f, 1, 'same'));
      break;
    }
    case 'conv2dBackpropInput': {
      const dy = t4(d.convDy, CONV_Y_SHAPE);
      const f = t4(d.convFilter, CONV_FILTER_SHAPE);
      run = tidy(() => tf.conv2dTranspose(dy, f, [...CONV_X_SHAPE], 1, 'same'));
      break;
    }
    case 'conv2dBackpropFilter': {
      // batchDivisor > 1 times the leading part of the batch (the caller scales the time back up).
      const part = (data: Float32Array, shape: readonly number[]) => {
        const sub = [shape[0] / batchDivisor, ...shape.slice(1)];
        return t4(data.subarray(0, sub.reduce((a, b) => a * b, 1)), sub);
      };
      const x = part(d.convX, CONV_X_SHAPE);
      const dy = part(d.convDy, CONV_Y_SHAPE);
      const attrs = { ...CONV_ATTRS, filterShape: [...CONV_FILTER_SHAPE] };
      run = tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap));
      break;
    }
    case 'batchNormTraining': {
      const x = t4(d.act, ACT_SHAPE);
      const gamma = t1(d.gamma);
      const beta = t1(d.beta);
      run = tidy(() => batchNormTraining(x, gamma, beta));
      break;
    }
    case 'batchNormTrainingBackward': {
      const x = t4(d.act, ACT_SHAPE);
      const dy = t4(d.actDy, ACT_SHAPE);
      const gamma = t1(d.gamma);
      const beta = t1(d.beta);
      const grads = tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        batchNormTraining(xs as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D),
      );
      run = tidy(() => grads([x, gamma, beta], dy));
      break;
    }
    case 'batchNormInference': {
      const x = t4(d.act, ACT_SHAPE);
      const [mean, variance, gamma, beta] = [d.mean, d.variance, d.gamma, d.beta].map(t1);
      run = tidy(() => tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON));
      break;
    }
    case 'maxPool':
    case 'maxPoolInference': {
      const x = t4(d.act, ACT_SHAPE);
      run = tidy(() => tf.maxPool(x, POOL, POOL, 'valid'));
      break;
    }
    case 'maxPoolBackward': {
      const x = t4(d.act, ACT_SHAPE);
      const y = tf.maxPool(x, POOL, POOL, 'valid');
      keep.push(y);
      const dy = t4(d.pooledDy, POOLED_SHAPE);
      run = tidy(() => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, POOL_ATTRS as unknown as tf.NamedAttrMap));
      break;
    }
  }
  return { run, dispose };
}

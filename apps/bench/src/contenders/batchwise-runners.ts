import { makeTensor, tidy, type Backend, type Conv2DOptions } from '@batchwise/core';
import { ACT_SHAPE, BN_EPSILON, CONV_FILTER_SHAPE, CONV_X_SHAPE, CONV_Y_SHAPE, MATMUL, POOL, POOLED_SHAPE } from '../kernels/cases.js';
import { kernelInputs } from '../kernels/inputs.js';
import type { KernelId } from '../types.js';

/*
 * Kernel calls on a batchwise Backend, straight to the kernels (no validation
 * layer): the same calls the layers make in a training step. Each call runs in
 * a tidy, so its outputs go back to the pool and the next call reuses them, as
 * in training (every step releases what it made); the tfjs runners likewise
 * dispose each call's results with tf.tidy.
 */

const CONV_OPTIONS: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };

/** A closure running one kernel on `backend`; its inputs are built once, outside the timing. */
export function batchwiseRunner(backend: Backend, id: KernelId): () => void {
  const call = kernelCall(backend, id);
  return () => tidy(() => void call());
}

function kernelCall(backend: Backend, id: KernelId): () => unknown {
  const d = kernelInputs();
  const c = ACT_SHAPE[3];
  const vec = (v: Float32Array) => makeTensor(v, [c]);
  switch (id) {
    case 'matMul': {
      const a = makeTensor(d.a, [MATMUL.m, MATMUL.k]);
      const b = makeTensor(d.b, [MATMUL.k, MATMUL.n]);
      return () => backend.matMul(a, b);
    }
    case 'conv2d': {
      const x = makeTensor(d.convX, CONV_X_SHAPE);
      const f = makeTensor(d.convFilter, CONV_FILTER_SHAPE);
      return () => backend.conv2d(x, f, CONV_OPTIONS);
    }
    case 'conv2dBackpropInput': {
      const dy = makeTensor(d.convDy, CONV_Y_SHAPE);
      const f = makeTensor(d.convFilter, CONV_FILTER_SHAPE);
      return () => backend.conv2dBackpropInput(dy, f, CONV_X_SHAPE, CONV_OPTIONS);
    }
    case 'conv2dBackpropFilter': {
      const x = makeTensor(d.convX, CONV_X_SHAPE);
      const dy = makeTensor(d.convDy, CONV_Y_SHAPE);
      return () => backend.conv2dBackpropFilter(x, dy, CONV_FILTER_SHAPE, CONV_OPTIONS);
    }
    case 'batchNormTraining': {
      const x = makeTensor(d.act, ACT_SHAPE);
      return () => backend.batchNormTraining(x, vec(d.gamma), vec(d.beta), { epsilon: BN_EPSILON });
    }
    case 'batchNormTrainingBackward': {
      const x = makeTensor(d.act, ACT_SHAPE);
      const dy = makeTensor(d.actDy, ACT_SHAPE);
      const gamma = vec(d.gamma);
      return () => {
        const fwd = backend.batchNormTraining(x, gamma, vec(d.beta), { epsilon: BN_EPSILON });
        return backend.batchNormBackward(dy, { x, gamma, mean: fwd.mean, invStd: fwd.invStd });
      };
    }
    case 'batchNormInference': {
      const x = makeTensor(d.act, ACT_SHAPE);
      const params = { mean: vec(d.mean), variance: vec(d.variance), gamma: vec(d.gamma), beta: vec(d.beta), epsilon: BN_EPSILON };
      return () => backend.batchNormInference(x, params);
    }
    case 'maxPool': {
      const x = makeTensor(d.act, ACT_SHAPE);
      return () => backend.maxPool(x, { poolSize: [POOL, POOL], strides: [POOL, POOL], padding: 'valid' });
    }
    case 'maxPoolInference': {
      const x = makeTensor(d.act, ACT_SHAPE);
      return () => backend.maxPoolInference(x, { poolSize: [POOL, POOL], strides: [POOL, POOL], padding: 'valid' });
    }
    case 'maxPoolBackward': {
      const x = makeTensor(d.act, ACT_SHAPE);
      // argmax comes from a real forward pass, done once outside the timing.
      const { argmax } = backend.maxPool(x, { poolSize: [POOL, POOL], strides: [POOL, POOL], padding: 'valid' });
      const dy = makeTensor(d.pooledDy, POOLED_SHAPE);
      return () => backend.maxPoolBackward(dy, argmax, ACT_SHAPE);
    }
  }
}

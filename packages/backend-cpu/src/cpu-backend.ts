import type { Backend, BackendInfo } from '@batchwise/core';
import * as k from './kernels/index.js';

/** What `info()` reports: one thread, no SIMD (plain JavaScript numbers). */
export const CPU_BACKEND_INFO: Readonly<BackendInfo> = Object.freeze({ name: 'cpu', threads: 1, simd: 'none' });

/**
 * Creates the pure-TypeScript backend. It holds no state: every kernel
 * allocates its outputs and scratch per call, so one instance can be shared.
 */
export function createCpuBackend(): Backend {
  return {
    name: 'cpu',
    info: () => ({ ...CPU_BACKEND_INFO }),

    matMul: k.matMul,
    transpose: k.transpose,

    conv2d: k.conv2d,
    conv2dBackpropInput: k.conv2dBackpropInput,
    conv2dBackpropFilter: k.conv2dBackpropFilter,

    batchNormTraining: k.batchNormTraining,
    batchNormInference: k.batchNormInference,
    batchNormBackward: k.batchNormBackward,

    maxPool: k.maxPool,
    maxPoolInference: k.maxPoolInference,
    maxPoolBackward: k.maxPoolBackward,

    biasAdd: k.biasAdd,
    biasGrad: k.biasGrad,

    relu: k.relu,
    reluBackward: k.reluBackward,
    sigmoid: k.sigmoid,
    sigmoidBackward: k.sigmoidBackward,
    tanh: k.tanh,
    tanhBackward: k.tanhBackward,
    softmax: k.softmax,
    softmaxBackward: k.softmaxBackward,

    dropout: k.dropout,
    dropoutBackward: k.dropoutBackward,

    add: k.add,
    sub: k.sub,
    mul: k.mul,
    div: k.div,
    maximum: k.maximum,
    minimum: k.minimum,
    equal: k.equal,
    greater: k.greater,
    addScalar: k.addScalar,
    mulScalar: k.mulScalar,
    neg: k.neg,
    abs: k.abs,
    exp: k.exp,
    log: k.log,
    sqrt: k.sqrt,
    square: k.square,
    clip: k.clip,

    broadcastBinary: k.broadcastBinary,

    gather: k.gather,
    concat: k.concat,
    oneHot: k.oneHot,

    sum: k.sum,
    mean: k.mean,
    max: k.max,
    argMax: k.argMax,

    softmaxCrossEntropy: k.softmaxCrossEntropy,

    sgdUpdate: k.sgdUpdate,
    adamUpdate: k.adamUpdate,

    assign: k.assign,
    axpby: k.axpby,

    batchNormReluTraining: k.batchNormReluTraining,
    batchNormReluBackward: k.batchNormReluBackward,
    conv2dBatchNormRelu: k.conv2dBatchNormRelu,
    conv2dBatchNormReluTraining: k.conv2dBatchNormReluTraining,
    conv2dBatchNormReluBackwardFilter: k.conv2dBatchNormReluBackwardFilter,
  };
}

import {
  KERNEL_VALIDATORS,
  type BatchNormBackwardParams,
  type BatchNormGradients,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
  type Conv2DOptions,
  type MatMulOptions,
  type Shape,
  type Tensor,
} from '@batchwise/core';
import { loadAddon } from '../addon.js';
import {
  planBatchNormBackward,
  planBatchNormTraining,
  planConv2d,
  planConv2dBackpropFilter,
  planConv2dBackpropInput,
  planMatMul,
  runPlanAsync,
} from './plans.js';

/**
 * Promise-returning variants of the long kernels: arguments are validated at
 * once (core's validators, then the addon's C++ checks), the kernel runs on a
 * libuv worker (with the thread pool) and the promise gives the result. The
 * inputs are copied when the call is made, so the caller may mutate, transfer
 * or dispose them right away without touching the result; the copy costs
 * about one memcpy of the inputs and one of the outputs (see the README).
 * Calls into the pool are serialised, so two pending calls run one after the other.
 */
export interface NativeAsyncKernels {
  matMul(a: Tensor, b: Tensor, options?: MatMulOptions): Promise<Tensor>;
  conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions): Promise<Tensor>;
  conv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: Conv2DOptions): Promise<Tensor>;
  conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: Conv2DOptions): Promise<Tensor>;
  batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormTrainingOptions): Promise<BatchNormTrainingResult>;
  batchNormBackward(dy: Tensor, params: BatchNormBackwardParams): Promise<BatchNormGradients>;
}

/** The async kernels; throws the one-line reason when the addon is unavailable. */
export function createNativeAsyncKernels(): NativeAsyncKernels {
  const addon = loadAddon();
  const v = KERNEL_VALIDATORS;
  return {
    async matMul(a, b, options) {
      v.matMul(a, b, options);
      return runPlanAsync(addon, planMatMul(a, b, options));
    },
    async conv2d(x, f, o) {
      v.conv2d(x, f, o);
      return runPlanAsync(addon, planConv2d(x, f, o));
    },
    async conv2dBackpropInput(dy, f, inputShape, o) {
      v.conv2dBackpropInput(dy, f, inputShape, o);
      return runPlanAsync(addon, planConv2dBackpropInput(dy, f, inputShape, o));
    },
    async conv2dBackpropFilter(x, dy, filterShape, o) {
      v.conv2dBackpropFilter(x, dy, filterShape, o);
      return runPlanAsync(addon, planConv2dBackpropFilter(x, dy, filterShape, o));
    },
    async batchNormTraining(x, gamma, beta, o) {
      v.batchNormTraining(x, gamma, beta, o);
      return runPlanAsync(addon, planBatchNormTraining(x, gamma, beta, o));
    },
    async batchNormBackward(dy, p) {
      v.batchNormBackward(dy, p);
      return runPlanAsync(addon, planBatchNormBackward(dy, p));
    },
  };
}

import { FUSED_KERNEL_NAMES, KERNEL_NAMES, type Backend, type FusedKernelName, type FusedKernels, type KernelName } from './backend.js';
import { NotImplementedError } from './errors.js';
import { getBackend } from './registry.js';
import { validateBatchNormBackward, validateBatchNormInference, validateBatchNormTraining } from './validate/batch-norm.js';
import { validateConv2d, validateConv2dBackpropFilter, validateConv2dBackpropInput } from './validate/conv.js';
import {
  validateBatchNormReluBackward,
  validateBatchNormReluTraining,
  validateConv2dBatchNormRelu,
  validateConv2dBatchNormReluBackwardFilter,
  validateConv2dBatchNormReluTraining,
} from './validate/fused.js';
import {
  validateActivationBackward,
  validateBiasAdd,
  validateBiasGrad,
  validateBinary,
  validateClip,
  validateDropout,
  validateDropoutBackward,
  validateScalarOp,
  validateSoftmax,
  validateUnary,
} from './validate/elementwise.js';
import { validateMatMul, validateTranspose } from './validate/linear.js';
import { validateMaxPool, validateMaxPoolBackward, validateMaxPoolInference } from './validate/pooling.js';
import { validateArgMax, validateReduce } from './validate/reduce.js';
import { validateAdamUpdate, validateSgdUpdate, validateSoftmaxCrossEntropy } from './validate/training.js';
import {
  validateAssign,
  validateAxpby,
  validateBroadcastBinary,
  validateConcat,
  validateGather,
  validateOneHot,
} from './validate/tensor-ops.js';

/**
 * The validated kernel entry points: the same signatures as `Backend`. A fused
 * kernel the backend lacks throws NotImplementedError: check `hasKernel` first.
 */
export type Ops = Pick<Backend, KernelName> & Required<FusedKernels>;

type Validators = { [K in KernelName]: (...args: Parameters<Backend[K]>) => void };

/** One argument check per kernel; kernels themselves trust their input. */
export const KERNEL_VALIDATORS: Validators = {
  matMul: validateMatMul,
  transpose: validateTranspose,
  conv2d: validateConv2d,
  conv2dBackpropInput: validateConv2dBackpropInput,
  conv2dBackpropFilter: validateConv2dBackpropFilter,
  batchNormTraining: validateBatchNormTraining,
  batchNormInference: validateBatchNormInference,
  batchNormBackward: validateBatchNormBackward,
  maxPool: validateMaxPool,
  maxPoolInference: validateMaxPoolInference,
  maxPoolBackward: validateMaxPoolBackward,
  biasAdd: validateBiasAdd,
  biasGrad: validateBiasGrad,
  relu: (x) => validateUnary('relu', x),
  reluBackward: (dy, y) => validateActivationBackward('reluBackward', dy, y),
  sigmoid: (x) => validateUnary('sigmoid', x),
  sigmoidBackward: (dy, y) => validateActivationBackward('sigmoidBackward', dy, y),
  tanh: (x) => validateUnary('tanh', x),
  tanhBackward: (dy, y) => validateActivationBackward('tanhBackward', dy, y),
  softmax: (x) => validateSoftmax('softmax', x),
  softmaxBackward: (dy, y) => validateActivationBackward('softmaxBackward', dy, y),
  dropout: validateDropout,
  dropoutBackward: validateDropoutBackward,
  add: (a, b) => validateBinary('add', a, b),
  sub: (a, b) => validateBinary('sub', a, b),
  mul: (a, b) => validateBinary('mul', a, b),
  div: (a, b) => validateBinary('div', a, b),
  maximum: (a, b) => validateBinary('maximum', a, b),
  minimum: (a, b) => validateBinary('minimum', a, b),
  equal: (a, b) => validateBinary('equal', a, b),
  greater: (a, b) => validateBinary('greater', a, b),
  addScalar: (x, s) => validateScalarOp('addScalar', x, s),
  mulScalar: (x, s) => validateScalarOp('mulScalar', x, s),
  neg: (x) => validateUnary('neg', x),
  abs: (x) => validateUnary('abs', x),
  exp: (x) => validateUnary('exp', x),
  log: (x) => validateUnary('log', x),
  sqrt: (x) => validateUnary('sqrt', x),
  square: (x) => validateUnary('square', x),
  clip: validateClip,
  broadcastBinary: validateBroadcastBinary,
  gather: validateGather,
  concat: validateConcat,
  oneHot: validateOneHot,
  sum: (x, o) => validateReduce('sum', x, o),
  mean: (x, o) => validateReduce('mean', x, o),
  max: (x, o) => validateReduce('max', x, o),
  argMax: validateArgMax,
  softmaxCrossEntropy: validateSoftmaxCrossEntropy,
  sgdUpdate: validateSgdUpdate,
  adamUpdate: validateAdamUpdate,
  assign: validateAssign,
  axpby: validateAxpby,
};

/** One argument check per fused kernel. */
export const FUSED_KERNEL_VALIDATORS: { [K in FusedKernelName]: (...args: Parameters<Required<FusedKernels>[K]>) => void } = {
  batchNormReluTraining: validateBatchNormReluTraining,
  batchNormReluBackward: validateBatchNormReluBackward,
  conv2dBatchNormRelu: validateConv2dBatchNormRelu,
  conv2dBatchNormReluTraining: validateConv2dBatchNormReluTraining,
  conv2dBatchNormReluBackwardFilter: validateConv2dBatchNormReluBackwardFilter,
};

/** Whether a backend (default: the active one) has the fused kernel `name`. */
export function hasKernel(name: FusedKernelName, backend: Backend = getBackend()): boolean {
  return typeof backend[name] === 'function';
}

/**
 * The backend for one call, with the call's arguments validated unless the
 * backend validates them itself (`validatesArguments`): a small kernel's
 * validation costs about as much as the kernel, so it runs once, not twice.
 * Bad arguments are reported before a missing backend, as they always were.
 */
function pickValidating(pick: () => Backend, validate: (...args: unknown[]) => void, args: unknown[]): Backend {
  let backend: Backend;
  try {
    backend = pick();
  } catch (e) {
    validate(...args);
    throw e;
  }
  if (backend.validatesArguments !== true) validate(...args);
  return backend;
}

/**
 * Validated kernels bound to one backend, or to a function that picks one at
 * each call (the default `ops` follows `setBackend`). Each call checks its
 * arguments, then runs the backend's kernel.
 */
export function createOps(source: Backend | (() => Backend)): Ops {
  const pick = typeof source === 'function' ? source : () => source;
  const ops: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const validate = KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
    ops[name] = (...args: unknown[]) => {
      const backend = pickValidating(pick, validate, args);
      return (backend[name] as (...a: unknown[]) => unknown).apply(backend, args);
    };
  }
  for (const name of FUSED_KERNEL_NAMES) {
    const validate = FUSED_KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
    ops[name] = (...args: unknown[]) => {
      const backend = pickValidating(pick, validate, args);
      const kernel = backend[name] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof kernel !== 'function') throw new NotImplementedError(backend.name, name);
      return kernel.apply(backend, args);
    };
  }
  return ops as unknown as Ops;
}

/** Validated kernels on the active backend (`getBackend()` at each call). */
export const ops: Ops = createOps(getBackend);

import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/*
 * The Backend interface: every kernel the layers need, forward and backward.
 * Layouts follow TensorFlow.js/Keras: images NHWC, conv filters
 * [kh, kw, inChannels, outChannels], features on the last axis.
 *
 * Kernels trust their arguments: the validated entry points are the functions
 * of `createOps` (ops.ts). Kernels return fresh tensors and never mutate their
 * inputs, except the in-place optimizer updates, which say so.
 */

export type Padding = 'same' | 'valid';

export interface MatMulOptions {
  /** Use A^T: a is [k, m] instead of [m, k]. Default false. */
  transposeA?: boolean;
  /** Use B^T: b is [n, k] instead of [k, n]. Default false. */
  transposeB?: boolean;
}

export interface Conv2DOptions {
  /** [strideH, strideW]. */
  strides: readonly [number, number];
  /** 'same' pads as TensorFlow does (SAME_UPPER: an odd extra row/column goes bottom/right). */
  padding: Padding;
  /** [dilationH, dilationW]. */
  dilations: readonly [number, number];
}

export interface BatchNormTrainingOptions {
  /** Added to the variance before the square root. Keras default 1e-3. */
  epsilon: number;
}

/** What batch-norm training returns: the output and what backward and the moving averages need. */
export interface BatchNormTrainingResult {
  y: Tensor;
  /** Per-channel batch mean, shape [C]. */
  mean: Tensor;
  /** Per-channel biased batch variance (divided by N, as Keras and TF.js), shape [C]. */
  variance: Tensor;
  /** 1 / sqrt(variance + epsilon), shape [C]. */
  invStd: Tensor;
}

export interface BatchNormInferenceParams {
  mean: Tensor;
  variance: Tensor;
  gamma: Tensor;
  beta: Tensor;
  epsilon: number;
}

export interface BatchNormBackwardParams {
  /** The forward input. */
  x: Tensor;
  gamma: Tensor;
  /** From the forward pass: batch mean and inverse standard deviation, shape [C]. */
  mean: Tensor;
  invStd: Tensor;
}

export interface BatchNormGradients {
  dx: Tensor;
  dgamma: Tensor;
  dbeta: Tensor;
}

export interface MaxPoolOptions {
  poolSize: readonly [number, number];
  strides: readonly [number, number];
  /** 'same' windows ignore the padded positions (they never win). */
  padding: Padding;
}

export interface MaxPoolResult {
  y: Tensor;
  /** For every output element, the flat index into x of its maximum (first one on ties). */
  argmax: Int32Array;
}

export interface DropoutOptions {
  /** Fraction of units dropped, in [0, 1). */
  rate: number;
  /** An integer; unit i is dropped when dropoutUniform(dropoutKey(seed), i) < rate (dropout-mask.ts), on every backend. */
  seed: number;
}

export interface DropoutResult {
  y: Tensor;
  /** 0 for dropped units, 1 / (1 - rate) for kept ones (inverted dropout); dx = dy * mask. */
  mask: Tensor;
}

export interface SoftmaxCrossEntropyResult {
  /** Per-row loss -sum(labels * log softmax(logits)), shape [rows]. */
  loss: Tensor;
  /** d loss_row / d logits = softmax * sum(labels) - labels, same shape as logits. */
  dlogits: Tensor;
}

export interface SgdOptions {
  learningRate: number;
  /** 0 for plain SGD. */
  momentum: number;
  nesterov: boolean;
}

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1-based step count, for the bias correction. */
  step: number;
}

export interface ReduceOptions {
  /** Axes to reduce; all axes when omitted. */
  axes?: readonly number[];
  /** Keep reduced axes as size 1. Default false. */
  keepDims?: boolean;
}

export interface GatherOptions {
  /** The axis `indices` select along (negative counts from the end): 0 picks rows, as batching does. */
  axis: number;
}

export interface ConcatOptions {
  /** The axis the tensors are joined along (negative counts from the end); all other dimensions match. */
  axis: number;
}

/** The arithmetic of `broadcastBinary`, named as the same-shape kernels. */
export const BROADCAST_BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const;
export type BroadcastBinaryOp = (typeof BROADCAST_BINARY_OPS)[number];

export interface BroadcastBinaryOptions {
  /** y = x op v. */
  op: BroadcastBinaryOp;
  /**
   * The axis of x that the vector v runs along (negative counts from the end);
   * v is repeated over every other axis. -1: a per-feature (NHWC: per-channel)
   * vector, as biasAdd; 0 on a [rows, C] view: one value per row.
   */
  axis: number;
}

export interface OneHotOptions {
  /** Number of classes: the length of the new last axis. */
  depth: number;
}

export interface AxpbyOptions {
  alpha: number;
  beta: number;
}

export interface BatchNormReluOptions {
  /** Added to the variance before the square root. */
  epsilon: number;
  /** Max-pool the ReLU output with these options (rank-4 NHWC x only); omitted: no pooling. */
  pool?: MaxPoolOptions;
}

/** What the fused batch norm + ReLU (+ max pool) forward returns. */
export interface BatchNormReluTrainingResult extends BatchNormTrainingResult {
  /** y is the ReLU output (shape of x), or its max pool when options.pool is set. */
  y: Tensor;
  /** With pool: for every element of y, the flat index into x of its window's maximum (first on ties), as maxPool's. */
  argmax?: Int32Array;
}

export interface BatchNormReluBackwardParams extends BatchNormBackwardParams {
  /** The forward output: the ReLU output (shape of x), or its max pool. */
  y: Tensor;
  /** With pool: the forward's argmax, one index into x per element of y. */
  argmax?: Int32Array;
  /** With argmax: the forward's pool options (a backend may use the window layout to skip work). */
  pool?: MaxPoolOptions;
}

export interface Conv2DBatchNormReluOptions extends Conv2DOptions {
  /** Max-pool the ReLU output with these options; omitted: no pooling. */
  pool?: MaxPoolOptions;
}

export interface Conv2DBatchNormReluTrainingOptions extends Conv2DBatchNormReluOptions {
  /** Added to the variance before the square root. */
  epsilon: number;
}

export interface Conv2DBatchNormReluBackwardFilterParams extends BatchNormReluBackwardParams {
  /**
   * x is the conv output z (batch norm's input), as conv2dBatchNormReluTraining
   * returned it: conv2d(input, filter, conv). A backend may read z or work from
   * input and filter instead (the same values up to float rounding).
   */
  x: Tensor;
  /** The conv's input. */
  input: Tensor;
  filter: Tensor;
  /** The conv's strides, padding and dilations. */
  conv: Conv2DOptions;
}

/** What conv2dBatchNormReluBackwardFilter returns: the gradients of the conv's filter and of batch norm's gamma and beta. */
export interface Conv2DBatchNormReluFilterGradients {
  /** Shape of the filter. */
  dfilter: Tensor;
  dgamma: Tensor;
  dbeta: Tensor;
}

/** What the fused conv + batch norm + ReLU (+ max pool) training forward returns. */
export interface Conv2DBatchNormReluTrainingResult extends BatchNormReluTrainingResult {
  /** The convolution's output, batch norm's input: batchNormReluBackward's x. */
  z: Tensor;
}

/**
 * Fused kernels: each does the work of a chain of the kernels above in fewer
 * passes over memory, with the same conventions. They are optional: layers use
 * one only when the active backend has it (`hasKernel`) and run the unfused
 * chain otherwise, which stays the reference they are tested against.
 */
export interface FusedKernels {
  /**
   * relu(batchNormTraining(x, gamma, beta)), then maxPool when options.pool is
   * set: the same mean, variance and invStd as batchNormTraining, and y and argmax
   * as relu and maxPool would give on its output.
   */
  batchNormReluTraining?(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormReluOptions): BatchNormReluTrainingResult;
  /**
   * Backward of batchNormReluTraining: maxPoolBackward (when argmax is given),
   * reluBackward against the ReLU output, then batchNormBackward. Throws
   * `argmaxRangeError`'s error for an index outside x, as maxPoolBackward.
   */
  batchNormReluBackward?(dy: Tensor, params: BatchNormReluBackwardParams): BatchNormGradients;
  /**
   * Inference of conv2d -> batchNormInference -> relu (-> maxPool when
   * options.pool is set) in one kernel: the conv output never goes to memory.
   */
  conv2dBatchNormRelu?(x: Tensor, filter: Tensor, params: BatchNormInferenceParams, options: Conv2DBatchNormReluOptions): Tensor;
  /**
   * Training forward of conv2d -> batchNormReluTraining: the conv output z and
   * what batchNormReluTraining returns on it, the batch statistics gathered
   * while each piece of z is still in cache. Its backward is
   * batchNormReluBackward on z, then the conv gradients.
   */
  conv2dBatchNormReluTraining?(
    x: Tensor, filter: Tensor, gamma: Tensor, beta: Tensor, options: Conv2DBatchNormReluTrainingOptions,
  ): Conv2DBatchNormReluTrainingResult;
  /**
   * Backward of conv2dBatchNormReluTraining when the conv's input needs no
   * gradient (a first layer): batchNormReluBackward on z, then
   * conv2dBackpropFilter with its dx, which never has to go to memory. Throws
   * `argmaxRangeError`'s error for an index outside z, as batchNormReluBackward.
   */
  conv2dBatchNormReluBackwardFilter?(dy: Tensor, params: Conv2DBatchNormReluBackwardFilterParams): Conv2DBatchNormReluFilterGradients;
}

/** What a backend says about itself (shown by `listBackends()` and `batchwise backends`). */
export interface BackendInfo {
  name: string;
  /** Threads used by kernels (1 for single-threaded backends). */
  threads: number;
  /** SIMD level in use, e.g. 'avx512', 'avx2', 'scalar'. */
  simd: string;
  [key: string]: string | number | boolean;
}

export interface Backend extends FusedKernels {
  readonly name: string;
  info(): BackendInfo;
  /**
   * True when every kernel of this backend runs core's validator for its name
   * (KERNEL_VALIDATORS, FUSED_KERNEL_VALIDATORS) before anything else: `createOps`
   * then calls the kernel without validating the same arguments a second time.
   * The conformance suite's invalid-argument cases hold such a backend to it.
   */
  readonly validatesArguments?: boolean;

  // Dense algebra
  matMul(a: Tensor, b: Tensor, options?: MatMulOptions): Tensor;
  transpose(x: Tensor, perm: readonly number[]): Tensor;

  // Convolution (NHWC, filter HWIO)
  conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions): Tensor;
  conv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: Conv2DOptions): Tensor;
  conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: Conv2DOptions): Tensor;

  // Batch normalization over every axis but the last
  batchNormTraining(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormTrainingOptions): BatchNormTrainingResult;
  batchNormInference(x: Tensor, params: BatchNormInferenceParams): Tensor;
  batchNormBackward(dy: Tensor, params: BatchNormBackwardParams): BatchNormGradients;

  // Pooling (NHWC)
  maxPool(x: Tensor, options: MaxPoolOptions): MaxPoolResult;
  /**
   * maxPool's y alone, for inference, where no gradient will read an argmax: the
   * same values, bit for bit, without computing or writing the indices.
   */
  maxPoolInference(x: Tensor, options: MaxPoolOptions): Tensor;
  /**
   * Throws `argmaxRangeError`'s error (same class and message) for an index outside x, before
   * returning (its own output is then discarded). Core's validation does not scan the indices:
   * every backend must (the conformance suite checks it).
   */
  maxPoolBackward(dy: Tensor, argmax: Int32Array, inputShape: Shape): Tensor;

  // Bias on the last axis
  biasAdd(x: Tensor, bias: Tensor): Tensor;
  /** Sum of dy over every axis but the last, shape [C]. */
  biasGrad(dy: Tensor): Tensor;

  // Activations; backward takes the forward output y
  relu(x: Tensor): Tensor;
  reluBackward(dy: Tensor, y: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  sigmoidBackward(dy: Tensor, y: Tensor): Tensor;
  tanh(x: Tensor): Tensor;
  tanhBackward(dy: Tensor, y: Tensor): Tensor;
  /** Softmax over the last axis. */
  softmax(x: Tensor): Tensor;
  softmaxBackward(dy: Tensor, y: Tensor): Tensor;

  // Dropout
  dropout(x: Tensor, options: DropoutOptions): DropoutResult;
  dropoutBackward(dy: Tensor, mask: Tensor): Tensor;

  // Elementwise: binary ops take two tensors of the same shape
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  div(a: Tensor, b: Tensor): Tensor;
  maximum(a: Tensor, b: Tensor): Tensor;
  minimum(a: Tensor, b: Tensor): Tensor;
  /** 1 where a == b, else 0 (NaN equals nothing), as tf.equal. */
  equal(a: Tensor, b: Tensor): Tensor;
  /** 1 where a > b, else 0 (NaN is never greater), as tf.greater. */
  greater(a: Tensor, b: Tensor): Tensor;
  addScalar(x: Tensor, s: number): Tensor;
  mulScalar(x: Tensor, s: number): Tensor;
  neg(x: Tensor): Tensor;
  abs(x: Tensor): Tensor;
  exp(x: Tensor): Tensor;
  log(x: Tensor): Tensor;
  sqrt(x: Tensor): Tensor;
  square(x: Tensor): Tensor;
  clip(x: Tensor, min: number, max: number): Tensor;

  /**
   * x op v with the vector v (shape [x.shape[axis]]) broadcast over every other
   * axis of x: one float32 operation per element, as the same-shape kernels.
   */
  broadcastBinary(x: Tensor, v: Tensor, options: BroadcastBinaryOptions): Tensor;

  // Data movement: exact copies, no arithmetic
  /**
   * The slices of x at `indices` along `axis`, in that order (repeats allowed), as tf.gather:
   * shape x.shape with shape[axis] = indices.length. Core's validation checks every index.
   */
  gather(x: Tensor, indices: Int32Array, options: GatherOptions): Tensor;
  /** The tensors joined along `axis`, as tf.concat; every other dimension matches. */
  concat(tensors: readonly Tensor[], options: ConcatOptions): Tensor;
  /**
   * One-hot rows, as tf.oneHot: shape [...indices.shape, depth], 1 at each index and 0
   * elsewhere. Core's validation checks that every index is an integer in [0, depth).
   */
  oneHot(indices: Tensor, options: OneHotOptions): Tensor;

  // Reductions (accumulate in float64)
  sum(x: Tensor, options?: ReduceOptions): Tensor;
  mean(x: Tensor, options?: ReduceOptions): Tensor;
  max(x: Tensor, options?: ReduceOptions): Tensor;
  /** Index of the maximum along the last axis (first on ties), as float values; shape drops the last axis. */
  argMax(x: Tensor): Tensor;

  // Losses
  softmaxCrossEntropy(logits: Tensor, labels: Tensor): SoftmaxCrossEntropyResult;

  // In-place optimizer updates: mutate param and the state tensors
  /** Keras SGD: v = momentum*v - lr*g; w += v (Nesterov: w += momentum*v - lr*g). velocity may be null when momentum is 0. */
  sgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, options: SgdOptions): void;
  /** Keras/TF.js Adam: m,v moments; w -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps). */
  adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, options: AdamOptions): void;

  // In-place writes of layer state: mutate their first argument
  /** target <- source, an exact copy into target's memory (shapes equal, memory disjoint), as tf.Variable.assign. */
  assign(target: Tensor, source: Tensor): void;
  /**
   * y <- alpha*x + beta*y, in place (BLAS axpby): each element computed in float64 and
   * rounded once, so every backend gives the same bits. Moving averages are
   * axpby(moving, batch, { alpha: 1 - momentum, beta: momentum }).
   */
  axpby(y: Tensor, x: Tensor, options: AxpbyOptions): void;
}

/** Names of every kernel of the interface, for conformance tables and the registry. */
export const KERNEL_NAMES = [
  'matMul', 'transpose',
  'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter',
  'batchNormTraining', 'batchNormInference', 'batchNormBackward',
  'maxPool', 'maxPoolInference', 'maxPoolBackward',
  'biasAdd', 'biasGrad',
  'relu', 'reluBackward', 'sigmoid', 'sigmoidBackward', 'tanh', 'tanhBackward', 'softmax', 'softmaxBackward',
  'dropout', 'dropoutBackward',
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'equal', 'greater', 'addScalar', 'mulScalar',
  'neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'clip',
  'broadcastBinary',
  'gather', 'concat', 'oneHot',
  'sum', 'mean', 'max', 'argMax',
  'softmaxCrossEntropy',
  'sgdUpdate', 'adamUpdate',
  'assign', 'axpby',
] as const satisfies readonly Exclude<keyof Backend, BackendProperty>[];

export type KernelName = (typeof KERNEL_NAMES)[number];

/** The members of `Backend` that are not kernels. */
export type BackendProperty = 'name' | 'info' | 'validatesArguments';

/** Names of the optional fused kernels (FusedKernels). */
export const FUSED_KERNEL_NAMES = [
  'batchNormReluTraining', 'batchNormReluBackward', 'conv2dBatchNormRelu', 'conv2dBatchNormReluTraining',
  'conv2dBatchNormReluBackwardFilter',
] as const satisfies readonly (keyof FusedKernels)[];

export type FusedKernelName = (typeof FUSED_KERNEL_NAMES)[number];

/**
 * The kernels of `Backend` that KERNEL_NAMES and FUSED_KERNEL_NAMES leave out; must be `never`. The
 * `satisfies` above only proves KERNEL_NAMES is a subset; this proves it is
 * all of them, so a kernel added to the interface but not to the list (and so
 * missing from createOps, the registry checks and the conformance coverage)
 * fails to compile, naming the kernel.
 */
export type UnlistedKernel = Exclude<Exclude<keyof Backend, BackendProperty>, KernelName | FusedKernelName>;
const everyKernelListed: [UnlistedKernel] extends [never] ? true : { unlisted: UnlistedKernel } = true;
void everyKernelListed;

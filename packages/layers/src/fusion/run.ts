import { hasKernel, ops, type MaxPoolOptions, type Tensor } from '@batchwise/core';
import type { BackwardOptions, BackwardResult, CallContext, LayerVariable } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { channelParams } from '../layers/batch-norm-math.js';
import type { MaxPooling2D } from '../layers/max-pooling2d.js';
import type { BatchNormReluChain, ConvBatchNormReluChain, FusionPlan } from './plan.js';

/*
 * Running a chain of the fusion plan through its fused kernel: the same
 * values, moving-statistics updates and gradients as the layers one by one
 * (the layers tests compare both), in one kernel call each way.
 */

/** A chain about to run: what it reads, what it writes, and its forward and backward. */
export interface FusedRun {
  input: SymbolicTensor;
  /** Every tensor the chain computes, in order; the last is its output. */
  tensors: SymbolicTensor[];
  forward(x: Tensor): { output: Tensor; cache: unknown };
  /** Absent in inference, where nothing flows back. */
  backward?(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult;
  /** Whether the chain has weights the optimizer trains (for BackwardOptions.weightGrads). */
  trainable: boolean;
}

function poolOptions(pool: MaxPooling2D | null): { pool?: MaxPoolOptions } {
  return pool ? { pool: { poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding } } : {};
}

interface BatchNormReluCache {
  pool?: MaxPoolOptions;
  x: Tensor;
  gamma: Tensor;
  mean: Tensor;
  invStd: Tensor;
  y: Tensor;
  argmax?: Int32Array;
}

function trainingRun(chain: BatchNormReluChain): FusedRun {
  const { bn } = chain;
  return {
    input: chain.input,
    tensors: chain.tensors,
    trainable: bn.trainableWeights.length > 0,
    forward(x) {
      const channels = x.shape[x.rank - 1];
      const { gamma, beta } = channelParams(bn.gamma, bn.beta, channels);
      const r = ops.batchNormReluTraining(x, gamma, beta, { epsilon: bn.epsilon, ...poolOptions(chain.pool) });
      bn.afterFusedPass({ y: r.y, cache: { kind: 'batch', x, gamma, mean: r.mean, invStd: r.invStd }, mean: r.mean, variance: r.variance, groupCount: x.size / channels });
      const cache: BatchNormReluCache = { x, gamma, mean: r.mean, invStd: r.invStd, y: r.y, ...(r.argmax ? { argmax: r.argmax, ...poolOptions(chain.pool) } : {}) };
      return { output: r.y, cache };
    },
    backward(dy, cache, options) {
      const c = cache as BatchNormReluCache;
      if (!options.inputGrads && !options.weightGrads) return { dInputs: [null], grads: [] };
      const g = ops.batchNormReluBackward(dy, { x: c.x, gamma: c.gamma, mean: c.mean, invStd: c.invStd, y: c.y, ...(c.argmax ? { argmax: c.argmax, pool: c.pool } : {}) });
      const grads: [LayerVariable, Tensor][] = [];
      if (options.weightGrads) {
        if (bn.gamma) grads.push([bn.gamma, g.dgamma]);
        if (bn.beta) grads.push([bn.beta, g.dbeta]);
      }
      return { dInputs: [options.inputGrads ? g.dx : null], grads };
    },
  };
}

interface ConvBatchNormReluCache extends BatchNormReluCache {
  /** The conv's input. */
  input: Tensor;
  /** The filter the forward used: the fused backward may rebuild z from input and filter. */
  filter: Tensor;
}

/**
 * Training of conv -> BN -> ReLU [-> pool]: one forward call; backward = BN
 * chain, then the conv's gradients, or one call for both when the conv's input
 * needs no gradient and the backend has that kernel.
 */
function convTrainingRun(chain: ConvBatchNormReluChain): FusedRun {
  const { bn, conv } = chain;
  const convOptions = { strides: conv.strides, padding: conv.padding, dilations: conv.dilationRate };
  return {
    input: chain.input,
    tensors: chain.tensors,
    trainable: conv.trainableWeights.length > 0 || bn.trainableWeights.length > 0,
    forward(x) {
      const { gamma, beta } = channelParams(bn.gamma, bn.beta, conv.filters);
      const r = ops.conv2dBatchNormReluTraining(x, conv.kernel.value, gamma, beta, { ...convOptions, epsilon: bn.epsilon, ...poolOptions(chain.pool) });
      bn.afterFusedPass({ y: r.y, cache: { kind: 'batch', x: r.z, gamma, mean: r.mean, invStd: r.invStd }, mean: r.mean, variance: r.variance, groupCount: r.z.size / conv.filters });
      const cache: ConvBatchNormReluCache = {
        input: x, filter: conv.kernel.value, x: r.z, gamma, mean: r.mean, invStd: r.invStd, y: r.y, ...(r.argmax ? { argmax: r.argmax, ...poolOptions(chain.pool) } : {}),
      };
      return { output: r.y, cache };
    },
    backward(dy, cache, options) {
      const c = cache as ConvBatchNormReluCache;
      const convGrads = options.weightGrads && conv.trainableWeights.length > 0;
      const bnGrads = options.weightGrads && bn.trainableWeights.length > 0;
      if (!options.inputGrads && !convGrads && !bnGrads) return { dInputs: [null], grads: [] };
      const pooled = c.argmax ? { argmax: c.argmax, pool: c.pool } : {};
      if (!options.inputGrads && convGrads && hasKernel('conv2dBatchNormReluBackwardFilter')) {
        // No gradient for the conv's input (a first layer): batch norm's dx is only the filter gradient's operand, so one kernel makes both.
        const f = ops.conv2dBatchNormReluBackwardFilter(dy, { x: c.x, gamma: c.gamma, mean: c.mean, invStd: c.invStd, y: c.y, ...pooled, input: c.input, filter: c.filter, conv: convOptions });
        const grads: [LayerVariable, Tensor][] = [[conv.kernel, f.dfilter]];
        if (bnGrads) {
          if (bn.gamma) grads.push([bn.gamma, f.dgamma]);
          if (bn.beta) grads.push([bn.beta, f.dbeta]);
        }
        return { dInputs: [null], grads };
      }
      const g = ops.batchNormReluBackward(dy, { x: c.x, gamma: c.gamma, mean: c.mean, invStd: c.invStd, y: c.y, ...pooled });
      const grads: [LayerVariable, Tensor][] = [];
      if (convGrads) grads.push([conv.kernel, ops.conv2dBackpropFilter(c.input, g.dx, conv.kernel.shape, convOptions)]);
      if (bnGrads) {
        if (bn.gamma) grads.push([bn.gamma, g.dgamma]);
        if (bn.beta) grads.push([bn.beta, g.dbeta]);
      }
      return { dInputs: [options.inputGrads ? ops.conv2dBackpropInput(g.dx, conv.kernel.value, c.input.shape, convOptions) : null], grads };
    },
  };
}

/** Inference runs by chain: a predict at batch 1 is short enough that rebuilding the run's closures each call shows. */
const inferenceRuns = new WeakMap<ConvBatchNormReluChain, FusedRun>();

function inferenceRun(chain: ConvBatchNormReluChain): FusedRun {
  let run = inferenceRuns.get(chain);
  if (!run) {
    run = makeInferenceRun(chain);
    inferenceRuns.set(chain, run);
  }
  return run;
}

function makeInferenceRun(chain: ConvBatchNormReluChain): FusedRun {
  const { bn, conv, pool } = chain;
  return {
    input: chain.input,
    tensors: chain.tensors,
    trainable: false,
    forward(x) {
      // Weights and settings are read at each call (they change between calls); the objects
      // are written out without spreads, each always with the same keys.
      const { gamma, beta } = channelParams(bn.gamma, bn.beta, conv.filters);
      const params = { mean: bn.movingMean.value, variance: bn.movingVariance.value, gamma, beta, epsilon: bn.epsilon };
      const options = pool
        ? { strides: conv.strides, padding: conv.padding, dilations: conv.dilationRate, pool: { poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding } }
        : { strides: conv.strides, padding: conv.padding, dilations: conv.dilationRate };
      return { output: ops.conv2dBatchNormRelu(x, conv.kernel.value, params, options), cache: null };
    },
  };
}

/**
 * The fused run that starts at tensor t in this mode, or null: training
 * chains need a batch norm normalizing with plain batch statistics, inference chains run
 * only outside training, and either needs the active backend's fused kernels.
 * In training a conv chain runs from its conv tensor; without the conv kernel,
 * its batch norm chain still runs from the batch norm tensor.
 */
export function fusedRunAt(plan: FusionPlan, t: SymbolicTensor, ctx: CallContext): FusedRun | null {
  if (ctx.training) {
    if (!hasKernel('batchNormReluBackward')) return null;
    // At the conv tensor: the whole conv chain, when the backend has its training kernel.
    const convChain = plan.conv.get(t.id);
    if (convChain) return convChain.bn.fusableInTraining(4) && hasKernel('conv2dBatchNormReluTraining') ? convTrainingRun(convChain) : null;
    // At the batch-norm tensor: a chain whose conv (if any) did not run fused.
    const chain = plan.batchNorm.get(t.id);
    if (!chain || !chain.bn.fusableInTraining(chain.input.rank) || !hasKernel('batchNormReluTraining')) return null;
    return trainingRun(chain);
  }
  const chain = plan.conv.get(t.id);
  // Recording the batch's statistics needs the conv output, which the fused kernel never makes.
  if (!chain || chain.bn.recordBatchStatistics || !hasKernel('conv2dBatchNormRelu')) return null;
  return inferenceRun(chain);
}

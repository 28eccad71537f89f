import {
  conv2dGeometry,
  hold,
  makeTensor,
  sizeOf,
  type BatchNormBackwardParams,
  type BatchNormGradients,
  type BatchNormTrainingOptions,
  type BatchNormTrainingResult,
  type Conv2DOptions,
  type MatMulOptions,
  type Shape,
  type Tensor,
} from '@batchwise/core';
import type { AsyncEntry, FullAddon, NativeAddon } from '../addon.js';
import { outputF32 } from './output.js';
import { geometryArgs } from './validated.js';

/*
 * The long kernels as plans: the addon arguments (with freshly allocated
 * outputs) and the result those outputs form. The sync wrapper calls the
 * entry and returns the result; the async one awaits `<entry>Async` first.
 */
export interface Plan<K extends AsyncEntry, R> {
  entry: K;
  args: Parameters<NativeAddon[K]>;
  result: R;
}

export function planMatMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Plan<'matMul', Tensor> {
  const ta = options.transposeA ?? false;
  const tb = options.transposeB ?? false;
  const m = ta ? a.shape[1] : a.shape[0];
  const n = tb ? b.shape[0] : b.shape[1];
  const out = outputF32(m * n);
  return { entry: 'matMul', args: [a.data, a.shape, b.data, b.shape, ta, tb, out], result: makeTensor(out, [m, n]) };
}

/** Geometry from core (TF 'same' padding), passed to the addon, which recomputes and compares it. */
export function planConv2d(x: Tensor, filter: Tensor, o: Conv2DOptions): Plan<'conv2d', Tensor> {
  const g = conv2dGeometry(x.shape, filter.shape, o);
  const shape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const y = outputF32(sizeOf(shape));
  const args = [x.data, x.shape, filter.data, filter.shape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), y] as const;
  return { entry: 'conv2d', args: [...args], result: makeTensor(y, shape) };
}

export function planConv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, o: Conv2DOptions): Plan<'conv2dBackpropInput', Tensor> {
  const g = conv2dGeometry(inputShape, filter.shape, o);
  const dx = outputF32(sizeOf(inputShape));
  return {
    entry: 'conv2dBackpropInput',
    args: [dy.data, dy.shape, filter.data, filter.shape, inputShape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), dx],
    result: makeTensor(dx, inputShape),
  };
}

export function planConv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, o: Conv2DOptions): Plan<'conv2dBackpropFilter', Tensor> {
  const g = conv2dGeometry(x.shape, filterShape, o);
  const df = outputF32(sizeOf(filterShape));
  return {
    entry: 'conv2dBackpropFilter',
    args: [x.data, x.shape, dy.data, dy.shape, filterShape, o.strides, o.padding, o.dilations, geometryArgs(g, g.outChannels), df],
    result: makeTensor(df, filterShape),
  };
}

export function planBatchNormTraining(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  o: BatchNormTrainingOptions,
): Plan<'batchNormTraining', BatchNormTrainingResult> {
  const c = x.shape[x.rank - 1];
  const y = outputF32(x.size);
  const mean = outputF32(c);
  const variance = outputF32(c);
  const invStd = outputF32(c);
  return {
    entry: 'batchNormTraining',
    args: [x.data, x.shape, gamma.data, beta.data, o.epsilon, y, mean, variance, invStd],
    result: { y: makeTensor(y, x.shape), mean: makeTensor(mean, [c]), variance: makeTensor(variance, [c]), invStd: makeTensor(invStd, [c]) },
  };
}

export function planBatchNormBackward(dy: Tensor, p: BatchNormBackwardParams): Plan<'batchNormBackward', BatchNormGradients> {
  const c = dy.shape[dy.rank - 1];
  const dx = outputF32(dy.size);
  const dgamma = outputF32(c);
  const dbeta = outputF32(c);
  return {
    entry: 'batchNormBackward',
    args: [dy.data, dy.shape, p.x.data, p.gamma.data, p.mean.data, p.invStd.data, dx, dgamma, dbeta],
    result: { dx: makeTensor(dx, dy.shape), dgamma: makeTensor(dgamma, [c]), dbeta: makeTensor(dbeta, [c]) },
  };
}

/** Runs a plan on the calling thread (plus the pool) and returns its result. */
export function runPlan<K extends AsyncEntry, R>(addon: NativeAddon, plan: Plan<K, R>): R {
  (addon[plan.entry] as (...args: unknown[]) => void)(...plan.args);
  return plan.result;
}

/** Runs a plan on a libuv worker; the returned promise gives its result. */
export async function runPlanAsync<K extends AsyncEntry, R>(addon: FullAddon, plan: Plan<K, R>): Promise<R> {
  // The addon works on copies of the inputs and fills the outputs when it is done, rejecting
  // if one was detached meanwhile: so the outputs stay out of the pool until then (a dispose or
  // the end of a tidy meanwhile is carried out when the kernel finishes). Taken before the first await.
  const letGo = hold(plan.args);
  try {
    await (addon[`${plan.entry}Async`] as (...args: unknown[]) => Promise<void>)(...plan.args);
  } finally {
    letGo();
  }
  return plan.result;
}

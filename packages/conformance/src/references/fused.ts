import { array64, type Array64 } from './array64.js';
import { refBatchNormBackward, refBatchNormInference, refBatchNormTraining, type RefBatchNormGradients } from './batch-norm.js';
import { refConv2d, type RefWindow } from './conv.js';
import { refMaxPool, type RefPool } from './pooling.js';
import { refRelu } from './activations.js';

/*
 * The fused kernels as the chains of references they replace: batch norm, then
 * ReLU, then an optional max pool; and the backward of that chain.
 */

export interface RefBatchNormRelu {
  y: Array64;
  mean: Array64;
  variance: Array64;
  invStd: Array64;
  argmax?: Int32Array;
}

export function refBatchNormReluTraining(x: Array64, gamma: Array64, beta: Array64, epsilon: number, pool?: RefPool): RefBatchNormRelu {
  const bn = refBatchNormTraining(x, gamma, beta, epsilon);
  const r = refRelu(bn.y);
  if (!pool) return { y: r, mean: bn.mean, variance: bn.variance, invStd: bn.invStd };
  const p = refMaxPool(r, pool);
  return { y: p.y, argmax: p.argmax, mean: bn.mean, variance: bn.variance, invStd: bn.invStd };
}

/**
 * maxPoolBackward (dr[argmax[i]] += dy[i]), reluBackward against the ReLU
 * output (which is y[i] wherever argmax[i] points), then batchNormBackward.
 */
export function refBatchNormReluBackward(
  dy: Array64, x: Array64, gamma: Array64, mean: Array64, invStd: Array64, y: Array64, argmax?: Int32Array,
): RefBatchNormGradients {
  const dbn = array64(x.shape);
  for (let i = 0; i < dy.data.length; i++) {
    if (y.data[i] > 0) dbn.data[argmax ? argmax[i] : i] += dy.data[i];
  }
  return refBatchNormBackward(dbn, x, gamma, mean, invStd);
}

export function refConv2dBatchNormRelu(
  x: Array64, filter: Array64, mean: Array64, variance: Array64, gamma: Array64, beta: Array64, epsilon: number,
  conv: RefWindow, pool?: RefPool,
): Array64 {
  const r = refRelu(refBatchNormInference(refConv2d(x, filter, conv), mean, variance, gamma, beta, epsilon));
  return pool ? refMaxPool(r, pool).y : r;
}

/** conv2d, then batch norm with batch statistics, ReLU and the optional pool on its output z. */
export function refConv2dBatchNormReluTraining(
  x: Array64, filter: Array64, gamma: Array64, beta: Array64, epsilon: number, conv: RefWindow, pool?: RefPool,
): RefBatchNormRelu & { z: Array64 } {
  const z = refConv2d(x, filter, conv);
  return { z, ...refBatchNormReluTraining(z, gamma, beta, epsilon, pool) };
}

import { Random } from '@batchwise/core';
import {
  array64, refBatchNormBackward, refBatchNormReluBackward, refBatchNormReluTraining, refBatchNormTraining, refBiasAdd, refBiasGrad, refConv2d, refConv2dBackpropFilter,
  refConv2dBatchNormReluTraining,
  refConv2dBackpropInput, refDropoutApply, refMaxPool, refMaxPoolBackward, refRelu, refReluBackward, refSigmoid,
  refSigmoidBackward, refSoftmax, refSoftmaxBackward, refSoftmaxCrossEntropy, refTanh, refTanhBackward, type Array64,
} from './references/index.js';
import { compareArrays, formatTolerance, type Tolerance } from './tolerance.js';
import type { CaseResult } from './cases/types.js';

/*
 * Step one of the gradient checks (STYLE.md section 7): each reference
 * backward against central finite differences of the reference forward, all
 * in float64. The outputs are reduced to a scalar L = sum(w * y) with random
 * weights w, so the backward is called with dy = w and must return dL/dinput.
 */

/** Central-difference step relative to |value|: truncation error h^2 ~ 1e-12 and rounding error eps/h ~ 1e-10 balance near 1e-6. */
export const FD_STEP = 1e-6;

/** Finite differences carry ~1e-9 absolute error at this step; 1e-6 leaves a wide margin while a wrong formula is off by O(1). */
export const FD_TOLERANCE: Tolerance = { atol: 1e-6, rtol: 1e-5 };

export interface GradientProblem {
  /** The inputs differentiated, perturbed in place by the check. */
  params: Record<string, Array64>;
  /** The reference forward: every output, flattened in a fixed order. */
  forward(): Float64Array;
  /** The reference backward given dL/doutput = w (same flat order as forward). */
  backward(w: Float64Array): Record<string, Array64>;
}

export interface GradientCheckCase {
  kernel: string;
  name: string;
  seed: number;
  make(rng: Random): GradientProblem;
}

const randn = (rng: Random, shape: number[], scale = 1): Array64 => {
  const a = array64(shape);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal(0, scale);
  return a;
};

const view = (w: Float64Array, shape: number[]): Array64 => array64(shape, w);

function convProblem(rng: Random, input: number[], filter: number[], o: Parameters<typeof refConv2d>[2]): GradientProblem {
  const x = randn(rng, input);
  const f = randn(rng, filter);
  let outShape: number[] = [];
  return {
    params: { x, filter: f },
    forward: () => {
      const y = refConv2d(x, f, o);
      outShape = y.shape;
      return y.data;
    },
    backward: (w) => ({
      x: refConv2dBackpropInput(view(w, outShape), f, input, o),
      filter: refConv2dBackpropFilter(x, view(w, outShape), filter, o),
    }),
  };
}

/** batch norm -> ReLU (-> max pool): the fused kernels' chain, with respect to x, gamma and beta. */
function batchNormReluProblem(rng: Random, shape: number[], pool?: Parameters<typeof refBatchNormReluTraining>[4]): GradientProblem {
  const x = randn(rng, shape);
  const c = shape[shape.length - 1];
  const gamma = randn(rng, [c]);
  const beta = randn(rng, [c], 0.5);
  return {
    params: { x, gamma, beta },
    forward: () => refBatchNormReluTraining(x, gamma, beta, 1e-3, pool).y.data,
    backward: (w) => {
      const f = refBatchNormReluTraining(x, gamma, beta, 1e-3, pool);
      const g = refBatchNormReluBackward(view(w, f.y.shape), x, gamma, f.mean, f.invStd, f.y, f.argmax);
      return { x: g.dx, gamma: g.dgamma, beta: g.dbeta };
    },
  };
}

/** conv -> batch norm -> ReLU -> max pool with respect to the filter, gamma and beta (the conv's input needs no gradient). */
function convBatchNormReluFilterProblem(rng: Random): GradientProblem {
  const x = randn(rng, [2, 6, 6, 1]);
  const filter = randn(rng, [3, 3, 1, 3]);
  const gamma = randn(rng, [3]);
  const beta = randn(rng, [3], 0.5);
  const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
  const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
  return {
    params: { filter, gamma, beta },
    forward: () => refConv2dBatchNormReluTraining(x, filter, gamma, beta, 1e-3, conv, pool).y.data,
    backward: (w) => {
      const f = refConv2dBatchNormReluTraining(x, filter, gamma, beta, 1e-3, conv, pool);
      const g = refBatchNormReluBackward(view(w, f.y.shape), f.z, gamma, f.mean, f.invStd, f.y, f.argmax);
      return { filter: refConv2dBackpropFilter(x, g.dx, filter.shape, conv), gamma: g.dgamma, beta: g.dbeta };
    },
  };
}

function activationProblem(rng: Random, f: (x: Array64) => Array64, b: (dy: Array64, y: Array64) => Array64): GradientProblem {
  const x = randn(rng, [3, 5], 2);
  return {
    params: { x },
    forward: () => f(x).data,
    backward: (w) => ({ x: b(view(w, x.shape), f(x)) }),
  };
}

export const GRADIENT_CHECKS: GradientCheckCase[] = [
  { kernel: 'conv2dBackpropInput', name: 'odd 5x5 stride 2 same, dilation 1', seed: 1001,
    make: (r) => convProblem(r, [2, 5, 5, 2], [3, 3, 2, 3], { strides: [2, 2], padding: 'same', dilations: [1, 1] }) },
  { kernel: 'conv2dBackpropInput', name: 'odd 3x5 valid 3x3, 16 -> 17', seed: 1015,
    make: (r) => convProblem(r, [1, 3, 5, 16], [3, 3, 16, 17], { strides: [1, 1], padding: 'valid', dilations: [1, 1] }) },
  { kernel: 'conv2dBackpropInput', name: 'odd 3x5 same 3x3, 16 -> 16', seed: 1016,
    make: (r) => convProblem(r, [1, 3, 5, 16], [3, 3, 16, 16], { strides: [1, 1], padding: 'same', dilations: [1, 1] }) },
  { kernel: 'conv2dBackpropFilter', name: 'even 6x6 stride 2 same, dilation 2', seed: 1002,
    make: (r) => convProblem(r, [1, 6, 6, 2], [2, 3, 2, 2], { strides: [2, 1], padding: 'same', dilations: [2, 2] }) },
  { kernel: 'conv2dBackpropInput', name: 'valid 6x5, stride [1,2]', seed: 1003,
    make: (r) => convProblem(r, [2, 6, 5, 1], [3, 2, 1, 2], { strides: [1, 2], padding: 'valid', dilations: [1, 1] }) },
  { kernel: 'batchNormBackward', name: 'rank 4 [2,3,3,2]', seed: 1004, make: (r) => {
    const x = randn(r, [2, 3, 3, 2]);
    const gamma = randn(r, [2]);
    const beta = randn(r, [2]);
    return {
      params: { x, gamma, beta },
      forward: () => refBatchNormTraining(x, gamma, beta, 1e-3).y.data,
      backward: (w) => {
        const f = refBatchNormTraining(x, gamma, beta, 1e-3);
        const g = refBatchNormBackward(view(w, x.shape), x, gamma, f.mean, f.invStd);
        return { x: g.dx, gamma: g.dgamma, beta: g.dbeta };
      },
    };
  } },
  { kernel: 'batchNormReluBackward', name: 'rank 2 [6,3], no pool', seed: 1013, make: (r) => batchNormReluProblem(r, [6, 3]) },
  { kernel: 'batchNormReluBackward', name: 'overlapping 3x3 stride 2 same pool on [2,5,5,2]', seed: 1014,
    make: (r) => batchNormReluProblem(r, [2, 5, 5, 2], { poolSize: [3, 3], strides: [2, 2], padding: 'same' }) },
  { kernel: 'conv2dBatchNormReluBackwardFilter', name: 'one input channel [2,6,6,1] -> 3, 2x2 pool', seed: 1017,
    make: (r) => convBatchNormReluFilterProblem(r) },
  { kernel: 'maxPoolBackward', name: 'overlapping 3x3 stride 2 same', seed: 1005, make: (r) => {
    const x = randn(r, [1, 5, 5, 2]);
    const o = { poolSize: [3, 3], strides: [2, 2], padding: 'same' } as const;
    return {
      params: { x },
      forward: () => refMaxPool(x, o).y.data,
      backward: (w) => {
        const f = refMaxPool(x, o);
        return { x: refMaxPoolBackward(view(w, f.y.shape), f.argmax, x.shape) };
      },
    };
  } },
  { kernel: 'biasGrad', name: 'biasAdd on [4,3]', seed: 1006, make: (r) => {
    const x = randn(r, [4, 3]);
    const bias = randn(r, [3]);
    return {
      params: { bias },
      forward: () => refBiasAdd(x, bias).data,
      backward: (w) => ({ bias: refBiasGrad(view(w, x.shape)) }),
    };
  } },
  { kernel: 'reluBackward', name: '[3,5]', seed: 1007, make: (r) => activationProblem(r, refRelu, refReluBackward) },
  { kernel: 'sigmoidBackward', name: '[3,5]', seed: 1008, make: (r) => activationProblem(r, refSigmoid, refSigmoidBackward) },
  { kernel: 'tanhBackward', name: '[3,5]', seed: 1009, make: (r) => activationProblem(r, refTanh, refTanhBackward) },
  { kernel: 'softmaxBackward', name: '[3,5]', seed: 1010, make: (r) => activationProblem(r, refSoftmax, refSoftmaxBackward) },
  { kernel: 'dropoutBackward', name: 'rate 0.5 mask', seed: 1011, make: (r) => {
    const x = randn(r, [4, 4]);
    const mask = array64(x.shape, x.data.map(() => (r.next() < 0.5 ? 0 : 2)));
    return {
      params: { x },
      forward: () => refDropoutApply(x, mask).data,
      backward: (w) => ({ x: refDropoutApply(view(w, x.shape), mask) }),
    };
  } },
  { kernel: 'softmaxCrossEntropy', name: 'dlogits, labels summing to 1.5', seed: 1012, make: (r) => {
    const logits = randn(r, [3, 4], 2);
    const labels = array64([3, 4], Array.from({ length: 12 }, () => r.uniform(0, 0.75)));
    return {
      params: { logits },
      forward: () => refSoftmaxCrossEntropy(logits, labels).loss.data,
      // dL/dlogits[r, c] = w[r] * dlogits[r, c]: the kernel's dlogits is per row.
      backward: (w) => {
        const d = refSoftmaxCrossEntropy(logits, labels).dlogits;
        return { logits: array64(d.shape, d.data.map((v, i) => v * w[Math.floor(i / 4)])) };
      },
    };
  } },
];

function numericGradient(p: GradientProblem, param: Array64, w: Float64Array): Float64Array {
  const loss = () => p.forward().reduce((s, v, i) => s + v * w[i], 0);
  const g = new Float64Array(param.data.length);
  for (let i = 0; i < g.length; i++) {
    const v = param.data[i];
    const h = FD_STEP * Math.max(1, Math.abs(v));
    param.data[i] = v + h;
    const up = loss();
    param.data[i] = v - h;
    const down = loss();
    param.data[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Runs reference backwards against finite differences (default: all of GRADIENT_CHECKS); one result per check. */
export function checkReferenceGradients(checks: readonly GradientCheckCase[] = GRADIENT_CHECKS): CaseResult[] {
  return checks.map((c) => {
    const rng = new Random(c.seed);
    const p = c.make(rng);
    const w = Float64Array.from(p.forward(), () => rng.normal());
    const analytic = p.backward(w);
    let maxError = 0;
    const failures: string[] = [];
    for (const [name, param] of Object.entries(p.params)) {
      const numeric = numericGradient(p, param, w);
      const cmp = compareArrays(numeric, analytic[name].data, FD_TOLERANCE, false);
      maxError = Math.max(maxError, cmp.maxError);
      if (!cmp.pass) {
        failures.push(`d/d${name} worst index ${cmp.worstIndex}: finite difference ${cmp.expected}, backward ${cmp.received}, max error ${cmp.maxError} (${formatTolerance(FD_TOLERANCE)})`);
      }
    }
    const pass = failures.length === 0;
    return {
      kernel: c.kernel, case: `reference gradient: ${c.name}`, seed: c.seed, group: 'gradient' as const, pass, maxError,
      ...(pass ? {} : { message: `${c.kernel} reference backward '${c.name}' (seed ${c.seed}): ${failures.join('; ')}.` }),
    };
  });
}

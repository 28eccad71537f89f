import { Tensor, type AdamOptions, type Random, type SgdOptions } from '@batchwise/core';
import { normal, oneHot, uniform } from '../inputs.js';
import { array64, fromTensor, refAdamStep, refSgdStep, refSoftmaxCrossEntropy } from '../references/index.js';
import { FEW_OPS, type Tolerance } from '../tolerance.js';
import { comparisonCase, type Outputs } from './comparison.js';
import type { ConformanceCase } from './types.js';

const LOSS_CASES: Array<[string, number, (rng: Random) => { logits: Tensor; labels: Tensor }]> = [
  ['one-hot [8,10]', 801, (r) => ({ logits: normal(r, [8, 10], 0, 2), labels: oneHot(r, 8, 10) })],
  ['soft labels [5,4]', 802, (r) => {
    const labels = uniform(r, [5, 4], 0, 1);
    for (let row = 0; row < 5; row++) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += labels.data[row * 4 + c];
      for (let c = 0; c < 4; c++) labels.data[row * 4 + c] /= s;
    }
    return { logits: normal(r, [5, 4]), labels };
  }],
  // Labels summing to 2 exercise the sum(labels) factor of dlogits.
  ['labels summing to 2 [3,5]', 803, (r) => ({ logits: normal(r, [3, 5]), labels: uniform(r, [3, 5], 0, 0.8) })],
  ['large logits ±1000', 804, (r) => ({ logits: normal(r, [4, 6], 0, 1000), labels: oneHot(r, 4, 6) })],
  ['rank 3 [2,3,5]', 805, (r) => ({ logits: normal(r, [2, 3, 5]), labels: uniform(r, [2, 3, 5], 0, 1) })],
  ['rank 1 [7]', 806, (r) => ({ logits: normal(r, [7]), labels: oneHot(r, 1, 7).reshape([7]) })],
  ['batch 64 x 10 classes', 807, (r) => ({ logits: normal(r, [64, 10], 0, 3), labels: oneHot(r, 64, 10) })],
];

/** Per-row losses are log-sum-exp of a row: a few roundings of values up to |logit| (1000 in one case). */
const LOSS: Tolerance = { atol: 1e-5, rtol: 1e-5 };

function lossCases(): ConformanceCase[] {
  return LOSS_CASES.map(([name, seed, make]) =>
    comparisonCase({
      kernel: 'softmaxCrossEntropy', name, seed, make,
      tolerance: { loss: LOSS, dlogits: FEW_OPS },
      run: (b, i) => ({ ...b.softmaxCrossEntropy(i.logits, i.labels) }),
      reference: (i) => ({ ...refSoftmaxCrossEntropy(fromTensor(i.logits), fromTensor(i.labels)) }),
    }),
  );
}

/** Optimizer states are float32 between steps on a backend and float64 here; a few steps keep that within FEW_OPS. */
const OPTIMIZER: Tolerance = { atol: 1e-6, rtol: 1e-5 };

interface StepInputs {
  param: Tensor;
  grads: Tensor[];
}

function stepInputs(shape: number[], steps: number) {
  return (rng: Random): StepInputs => ({ param: normal(rng, shape), grads: Array.from({ length: steps }, () => normal(rng, shape)) });
}

const zerosLike = (t: Tensor) => new Tensor(new Float32Array(t.size), t.shape);

function sgdCase(name: string, seed: number, shape: number[], steps: number, o: SgdOptions): ConformanceCase {
  return comparisonCase({
    kernel: 'sgdUpdate', name, seed, make: stepInputs(shape, steps), tolerance: OPTIMIZER,
    run: (b, i) => {
      // The update is in place: work on copies so the case inputs stay as drawn.
      const param = i.param.clone();
      const velocity = o.momentum === 0 ? null : zerosLike(param);
      for (const g of i.grads) b.sgdUpdate(param, g, velocity, o);
      const out: Outputs = { param };
      if (velocity) out.velocity = velocity;
      return out;
    },
    reference: (i) => {
      const param = fromTensor(i.param);
      const velocity = o.momentum === 0 ? null : array64(i.param.shape);
      for (const g of i.grads) refSgdStep(param, fromTensor(g), velocity, o);
      const out: Outputs = { param };
      if (velocity) out.velocity = velocity;
      return out;
    },
  });
}

function adamCase(name: string, seed: number, shape: number[], steps: number, o: Omit<AdamOptions, 'step'>): ConformanceCase {
  return comparisonCase({
    kernel: 'adamUpdate', name, seed, make: stepInputs(shape, steps), tolerance: OPTIMIZER,
    run: (b, i) => {
      const param = i.param.clone();
      const m = zerosLike(param);
      const v = zerosLike(param);
      i.grads.forEach((g, s) => b.adamUpdate(param, g, m, v, { ...o, step: s + 1 }));
      return { param, m, v };
    },
    reference: (i) => {
      const param = fromTensor(i.param);
      const m = array64(i.param.shape);
      const v = array64(i.param.shape);
      i.grads.forEach((g, s) => refAdamStep(param, fromTensor(g), m, v, { ...o, step: s + 1 }));
      return { param, m, v };
    },
  });
}

const ADAM_DEFAULTS = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export function trainingCases(): ConformanceCase[] {
  return [
    ...lossCases(),
    sgdCase('plain SGD, velocity null', 811, [37], 1, { learningRate: 0.1, momentum: 0, nesterov: false }),
    sgdCase('plain SGD, 3 steps', 812, [4, 5], 3, { learningRate: 0.05, momentum: 0, nesterov: false }),
    sgdCase('momentum 0.9, 4 steps', 813, [3, 3, 4, 8], 4, { learningRate: 0.01, momentum: 0.9, nesterov: false }),
    sgdCase('nesterov momentum 0.9, 4 steps', 814, [3, 3, 4, 8], 4, { learningRate: 0.01, momentum: 0.9, nesterov: true }),
    sgdCase('momentum, large [784,100], 2 steps', 815, [784, 100], 2, { learningRate: 0.01, momentum: 0.5, nesterov: false }),
    adamCase('one step, defaults', 821, [37], 1, ADAM_DEFAULTS),
    adamCase('5 steps, defaults', 822, [3, 3, 4, 8], 5, ADAM_DEFAULTS),
    adamCase('5 steps, lr 0.01 beta1 0.5 beta2 0.9 eps 1e-3', 823, [6, 7], 5, { learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }),
    adamCase('large [784,100], 3 steps', 824, [784, 100], 3, ADAM_DEFAULTS),
  ];
}

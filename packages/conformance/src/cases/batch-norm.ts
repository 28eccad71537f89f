import type { Random, Tensor } from '@batchwise/core';
import { constant, normal, toTensor, uniform } from '../inputs.js';
import { fromTensor, refBatchNormBackward, refBatchNormInference, refBatchNormTraining } from '../references/index.js';
import { accumulated, type Tolerance } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import { randomBatchNormCases } from './random-shapes.js';
import type { ConformanceCase } from './types.js';

/** One batch-norm input, shared by training, inference and backward. */
export interface BatchNormCase {
  name: string;
  seed: number;
  shape: number[];
  epsilon: number;
  /** How x is drawn. Default: normal(0, 1). */
  input?: 'constant' | 'offset-1e4' | 'normal';
  /** gamma 1 and beta 0, what the layer passes with center and scale off. */
  identityAffine?: boolean;
}

export const BATCH_NORM_CASES: BatchNormCase[] = [
  { name: 'rank 2 [16,5]', seed: 201, shape: [16, 5], epsilon: 1e-3 },
  { name: 'rank 3 [4,6,3]', seed: 202, shape: [4, 6, 3], epsilon: 1e-3 },
  { name: 'rank 4 [2,5,5,3]', seed: 203, shape: [2, 5, 5, 3], epsilon: 1e-5 },
  { name: 'batch 1 rank 4', seed: 204, shape: [1, 4, 4, 3], epsilon: 1e-3 },
  // One row: every feature has zero variance, y = beta.
  { name: 'batch 1 rank 2 (one row)', seed: 205, shape: [1, 6], epsilon: 1e-3 },
  { name: 'one channel', seed: 206, shape: [8, 4, 4, 1], epsilon: 1e-3 },
  { name: '1x1 spatial', seed: 207, shape: [6, 1, 1, 4], epsilon: 1e-3 },
  { name: 'constant input (zero variance)', seed: 208, shape: [4, 3, 3, 2], epsilon: 1e-3, input: 'constant' },
  { name: 'input offset by 1e4, spread 1', seed: 209, shape: [8, 16, 16, 4], epsilon: 1e-3, input: 'offset-1e4' },
  { name: 'center and scale off (gamma 1, beta 0)', seed: 210, shape: [4, 4, 4, 3], epsilon: 1e-3, identityAffine: true },
  { name: 'large [32,28,28,32]', seed: 211, shape: [32, 28, 28, 32], epsilon: 1e-3 },
];

interface BnInputs {
  x: Tensor;
  gamma: Tensor;
  beta: Tensor;
  dy: Tensor;
  movingMean: Tensor;
  movingVariance: Tensor;
}

function makeInputs(c: BatchNormCase) {
  return (rng: Random): BnInputs => {
    const channels = c.shape[c.shape.length - 1];
    let x: Tensor;
    if (c.input === 'constant') x = constant(c.shape, 7.25);
    else if (c.input === 'offset-1e4') x = normal(rng, c.shape, 1e4, 1);
    else x = normal(rng, c.shape);
    const gamma = c.identityAffine ? constant([channels], 1) : uniform(rng, [channels], 0.5, 1.5);
    const beta = c.identityAffine ? constant([channels], 0) : normal(rng, [channels]);
    const dy = normal(rng, c.shape);
    const movingMean = normal(rng, [channels]);
    const movingVariance = uniform(rng, [channels], 0.5, 2);
    return { x, gamma, beta, dy, movingMean, movingVariance };
  };
}

/**
 * Float32 x near 1e4 has an ulp of 9.8e-4, so even a correct kernel that keeps
 * the mean in float32 is off by half an ulp of 1e4 in x - mean; with a spread
 * of 1 that is 5e-4 in y. A one-pass E[x^2] - E[x]^2 in float32 is off by
 * whole units there.
 */
const OFFSET_Y: Tolerance = { atol: 2e-3, rtol: 1e-5 };

/** y chains a few roundings after float64 statistics; mean and variance are float64 sums rounded once. */
function trainingTolerance(c: BatchNormCase, rows: number): Record<string, Tolerance> {
  const stats = accumulated(rows);
  const y: Tolerance = c.input === 'offset-1e4' ? OFFSET_Y : { atol: 1e-5, rtol: 1e-5 };
  return { y, mean: { atol: stats.atol, rtol: 1e-6 }, variance: { atol: stats.atol, rtol: 1e-5 }, invStd: { atol: 1e-6, rtol: 1e-5 } };
}

export function batchNormCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of [...BATCH_NORM_CASES, ...randomBatchNormCases()]) {
    const make = makeInputs(c);
    const rows = c.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const training = (i: BnInputs) => refBatchNormTraining(fromTensor(i.x), fromTensor(i.gamma), fromTensor(i.beta), c.epsilon);
    out.push(
      comparisonCase({
        kernel: 'batchNormTraining', name: c.name, seed: c.seed, make,
        tolerance: trainingTolerance(c, rows),
        run: (b, i) => {
          const r = b.batchNormTraining(i.x, i.gamma, i.beta, { epsilon: c.epsilon });
          return { y: r.y, mean: r.mean, variance: r.variance, invStd: r.invStd };
        },
        reference: (i) => ({ ...training(i) }),
      }),
      comparisonCase({
        kernel: 'batchNormInference', name: c.name, seed: c.seed, make,
        tolerance: c.input === 'offset-1e4' ? { atol: 1e-2, rtol: 1e-5 } : { atol: 1e-5, rtol: 1e-5 },
        run: (b, i) => ({
          y: b.batchNormInference(i.x, {
            mean: i.movingMean, variance: i.movingVariance, gamma: i.gamma, beta: i.beta, epsilon: c.epsilon,
          }),
        }),
        reference: (i) => ({
          y: refBatchNormInference(
            fromTensor(i.x), fromTensor(i.movingMean), fromTensor(i.movingVariance), fromTensor(i.gamma), fromTensor(i.beta), c.epsilon,
          ),
        }),
      }),
      comparisonCase({
        kernel: 'batchNormBackward', name: c.name, seed: c.seed,
        // The statistics come from the forward pass, rounded to float32 as a backend receives them.
        make: (rng) => {
          const i = make(rng);
          const f = training(i);
          return { ...i, mean: toTensor(f.mean), invStd: toTensor(f.invStd) };
        },
        tolerance: {
          dx: c.input === 'offset-1e4' ? OFFSET_Y : { atol: 1e-5, rtol: 1e-4 },
          dgamma: accumulated(rows), dbeta: accumulated(rows),
        },
        run: (b, i) => {
          const g = b.batchNormBackward(i.dy, { x: i.x, gamma: i.gamma, mean: i.mean, invStd: i.invStd });
          return { dx: g.dx, dgamma: g.dgamma, dbeta: g.dbeta };
        },
        reference: (i) => ({
          ...refBatchNormBackward(fromTensor(i.dy), fromTensor(i.x), fromTensor(i.gamma), fromTensor(i.mean), fromTensor(i.invStd)),
        }),
      }),
    );
  }
  return out;
}

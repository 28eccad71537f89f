import { hasKernel, type Backend, type FusedKernelName, type MaxPoolOptions, type Random, type Tensor } from '@batchwise/core';
import { constant, normal, toTensor, uniform } from '../inputs.js';
import {
  fromTensor, refBatchNormReluBackward, refBatchNormReluTraining, refConv2dBackpropFilter, refConv2dBatchNormRelu,
  refConv2dBatchNormReluTraining,
} from '../references/index.js';
import { accumulated, EXACT, type Tolerance } from '../tolerance.js';
import { comparisonCase, type ComparisonSpec } from './comparison.js';
import type { ConformanceCase } from './types.js';

/*
 * The optional fused kernels, held like every other kernel: forward against
 * the float64 chain of references they replace, backward against the
 * reference backward (itself checked against finite differences). A backend
 * without the kernel skips its cases: layers then run the unfused chain.
 */

/** A comparison case of a fused kernel, skipped on a backend that does not have it. */
function fusedCase<I>(spec: Omit<ComparisonSpec<I>, 'kernel'> & { kernel: FusedKernelName }): ConformanceCase {
  const c = comparisonCase(spec as ComparisonSpec<I>);
  const skip = (b: Backend) => ({ pass: true, maxError: 0, skipped: `${b.name} has no fused kernel '${spec.kernel}' (layers run the unfused chain)` });
  return {
    ...c,
    check: (b) => (hasKernel(spec.kernel, b) ? c.check(b) : skip(b)),
    cross: (a, b) => (!hasKernel(spec.kernel, a) ? skip(a) : !hasKernel(spec.kernel, b) ? skip(b) : c.cross!(a, b)),
  };
}

interface BnReluCase {
  name: string;
  seed: number;
  shape: number[];
  pool?: MaxPoolOptions;
  /** How x, gamma and beta are drawn. Default: normal x, gamma in [0.5, 1.5], normal beta. */
  values?: 'offset-1e4' | 'negative-gamma' | 'dead' | 'constant';
}

const p2 = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;

export const BN_RELU_CASES: BnReluCase[] = [
  { name: 'rank 2 [16,5], no pool', seed: 1201, shape: [16, 5] },
  { name: 'rank 4 [2,6,6,3], no pool', seed: 1202, shape: [2, 6, 6, 3] },
  { name: '2x2 stride 2 valid', seed: 1203, shape: [2, 6, 6, 3], pool: p2 },
  { name: 'odd 5x5, 2x2 stride 2 valid (last row and column unused)', seed: 1204, shape: [2, 5, 5, 3], pool: p2 },
  { name: 'odd 5x5, 2x2 stride 2 same', seed: 1205, shape: [2, 5, 5, 3], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: 'overlapping 3x3 stride 2 same', seed: 1206, shape: [2, 7, 7, 2], pool: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
  { name: 'overlapping 3x3 stride 1 same', seed: 1207, shape: [2, 5, 6, 2], pool: { poolSize: [3, 3], strides: [1, 1], padding: 'same' } },
  { name: 'pool [2,3] strides [1,2]', seed: 1208, shape: [2, 6, 7, 2], pool: { poolSize: [2, 3], strides: [1, 2], padding: 'valid' } },
  // gamma < 0 reverses the order of x within a channel: the pool must compare after batch norm.
  { name: 'negative gamma, 2x2', seed: 1209, shape: [2, 6, 6, 4], pool: p2, values: 'negative-gamma' },
  // beta = -10: every ReLU output is 0, so every window ties and keeps its first index.
  { name: 'all ReLU outputs zero (ties keep the first index)', seed: 1210, shape: [2, 4, 4, 3], pool: p2, values: 'dead' },
  { name: 'constant input (zero variance)', seed: 1211, shape: [3, 4, 4, 2], pool: p2, values: 'constant' },
  { name: 'input offset by 1e4, spread 1', seed: 1212, shape: [4, 8, 8, 4], pool: p2, values: 'offset-1e4' },
  { name: 'one channel', seed: 1213, shape: [8, 6, 6, 1], pool: p2 },
  { name: 'batch 1', seed: 1214, shape: [1, 4, 4, 3], pool: p2 },
  { name: 'large [16,28,28,32], 2x2', seed: 1215, shape: [16, 28, 28, 32], pool: p2 },
  { name: 'large [16,14,14,64], no pool', seed: 1216, shape: [16, 14, 14, 64] },
  { name: 'channels not a multiple of 16 [4,10,10,20], 2x2', seed: 1217, shape: [4, 10, 10, 20], pool: p2 },
  // Channel counts a multiple of 4 with edge and overlapping windows: the SIMD128 rows' vector path.
  { name: 'odd 5x5, 2x2 stride 2 same, 8 channels', seed: 1218, shape: [2, 5, 5, 8], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: 'overlapping 3x3 stride 2 same, 4 channels', seed: 1219, shape: [2, 7, 7, 4], pool: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
];

interface BnReluInputs {
  x: Tensor;
  gamma: Tensor;
  beta: Tensor;
}

const EPSILON = 1e-3;

function makeBnRelu(c: BnReluCase) {
  return (rng: Random): BnReluInputs => {
    const ch = c.shape[c.shape.length - 1];
    const x = c.values === 'offset-1e4' ? normal(rng, c.shape, 1e4, 1) : c.values === 'constant' ? constant(c.shape, 3.5) : normal(rng, c.shape);
    const gamma = c.values === 'negative-gamma' ? uniform(rng, [ch], -1.5, -0.5) : uniform(rng, [ch], 0.5, 1.5);
    const beta = c.values === 'dead' ? constant([ch], -10) : normal(rng, [ch]);
    return { x, gamma, beta };
  };
}

/** Batch norm's tolerances (see batch-norm.ts): x near 1e4 has an ulp of 1e-3, 5e-4 in y. */
const yTolerance = (c: BnReluCase): Tolerance => (c.values === 'offset-1e4' ? { atol: 2e-3, rtol: 1e-5 } : { atol: 1e-5, rtol: 1e-5 });

function bnReluCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of BN_RELU_CASES) {
    const make = makeBnRelu(c);
    const rows = c.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const stats = accumulated(rows);
    const forward = (i: BnReluInputs) => refBatchNormReluTraining(fromTensor(i.x), fromTensor(i.gamma), fromTensor(i.beta), EPSILON, c.pool);
    out.push(
      fusedCase({
        kernel: 'batchNormReluTraining', name: c.name, seed: c.seed, make,
        tolerance: {
          y: yTolerance(c), argmax: EXACT,
          mean: { atol: stats.atol, rtol: 1e-6 }, variance: { atol: stats.atol, rtol: 1e-5 }, invStd: { atol: 1e-6, rtol: 1e-5 },
        },
        run: (b, i) => {
          const r = b.batchNormReluTraining!(i.x, i.gamma, i.beta, { epsilon: EPSILON, ...(c.pool ? { pool: c.pool } : {}) });
          return { y: r.y, mean: r.mean, variance: r.variance, invStd: r.invStd, ...(r.argmax ? { argmax: r.argmax } : {}) };
        },
        reference: (i) => {
          const r = forward(i);
          return { y: r.y, mean: r.mean, variance: r.variance, invStd: r.invStd, ...(r.argmax ? { argmax: r.argmax } : {}) };
        },
      }),
      fusedCase({
        kernel: 'batchNormReluBackward', name: c.name, seed: c.seed,
        // What the forward hands backward, rounded to float32 as a backend receives it.
        make: (rng) => {
          const i = make(rng);
          const f = forward(i);
          return { ...i, mean: toTensor(f.mean), invStd: toTensor(f.invStd), y: toTensor(f.y), argmax: f.argmax, dy: normal(rng, f.y.shape) };
        },
        tolerance: { dx: c.values === 'offset-1e4' ? { atol: 2e-3, rtol: 1e-5 } : { atol: 1e-5, rtol: 1e-4 }, dgamma: stats, dbeta: stats },
        run: (b, i) => {
          const g = b.batchNormReluBackward!(i.dy, { x: i.x, gamma: i.gamma, mean: i.mean, invStd: i.invStd, y: i.y, ...(i.argmax ? { argmax: i.argmax, pool: c.pool } : {}) });
          return { dx: g.dx, dgamma: g.dgamma, dbeta: g.dbeta };
        },
        reference: (i) => ({
          ...refBatchNormReluBackward(fromTensor(i.dy), fromTensor(i.x), fromTensor(i.gamma), fromTensor(i.mean), fromTensor(i.invStd), fromTensor(i.y), i.argmax),
        }),
      }),
    );
  }
  return out;
}

interface ConvBnReluCase {
  name: string;
  seed: number;
  input: [number, number, number, number];
  filter: [number, number, number, number];
  strides?: [number, number];
  padding: 'same' | 'valid';
  dilations?: [number, number];
  pool?: MaxPoolOptions;
  negativeGamma?: boolean;
}

export const CONV_BN_RELU_CASES: ConvBnReluCase[] = [
  { name: '3x3 same, no pool', seed: 1301, input: [2, 6, 6, 3], filter: [3, 3, 3, 4], padding: 'same' },
  { name: '3x3 same, 2x2 pool', seed: 1302, input: [2, 6, 6, 3], filter: [3, 3, 3, 4], padding: 'same', pool: p2 },
  { name: 'one input channel, 2x2 pool', seed: 1303, input: [2, 6, 6, 1], filter: [3, 3, 1, 8], padding: 'same', pool: p2 },
  { name: 'odd 7x7 output, 2x2 valid pool drops a row and column', seed: 1304, input: [2, 9, 9, 2], filter: [3, 3, 2, 5], padding: 'valid', pool: p2 },
  { name: 'wide 20 -> 40, stride 2 same, overlapping 3x3 stride 2 same pool', seed: 1305, input: [1, 11, 9, 20], filter: [3, 3, 20, 40], strides: [2, 2], padding: 'same', pool: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
  { name: 'wide, dilation 2 valid, 24 -> 33, no pool', seed: 1306, input: [2, 10, 9, 24], filter: [3, 3, 24, 33], padding: 'valid', dilations: [2, 2] },
  { name: 'negative gamma, 5x5 same, 2x2 same pool', seed: 1307, input: [2, 7, 7, 3], filter: [5, 5, 3, 6], padding: 'same', pool: { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, negativeGamma: true },
  { name: '1x1 kernel, pool [2,3] strides [1,2]', seed: 1308, input: [2, 6, 7, 5], filter: [1, 1, 5, 7], padding: 'valid', pool: { poolSize: [2, 3], strides: [1, 2], padding: 'valid' } },
  { name: 'first layer [8,28,28,1] -> 32, 2x2', seed: 1309, input: [8, 28, 28, 1], filter: [3, 3, 1, 32], padding: 'same', pool: p2 },
  { name: 'second layer [8,14,14,32] -> 64, 2x2', seed: 1310, input: [8, 14, 14, 32], filter: [3, 3, 32, 64], padding: 'same', pool: p2 },
  { name: 'batch 1 [1,14,14,32] -> 64, no pool', seed: 1311, input: [1, 14, 14, 32], filter: [3, 3, 32, 64], padding: 'same' },
  // Small enough for the training forward's cases, 3x3 stride 1 with 16 channels (native's Winograd path).
  { name: 'winograd-sized odd 7x5, 16 -> 17, 2x2 same pool', seed: 1312, input: [2, 7, 5, 16], filter: [3, 3, 16, 17], padding: 'same', pool: { poolSize: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: 'winograd-sized 6x6 valid, 16 -> 20, no pool', seed: 1313, input: [2, 6, 6, 16], filter: [3, 3, 16, 20], padding: 'valid' },
  // Native's inference with a 2x2 pool: F(4x4) tiles, the F(4x4) corner tile, F(2x2) for the rest; channel counts off every vector width.
  { name: 'winograd F(4x4) tiles and corner [1,14,14,36] -> 24, 2x2', seed: 1314, input: [1, 14, 14, 36], filter: [3, 3, 36, 24], padding: 'same', pool: p2 },
];

function convBnReluCases(): ConformanceCase[] {
  return CONV_BN_RELU_CASES.map((c) => {
    const conv = { strides: c.strides ?? [1, 1], padding: c.padding, dilations: c.dilations ?? [1, 1] } as const;
    const [kh, kw, ci, co] = c.filter;
    // The conv sum's slack, scaled by batch norm's |gamma| / sqrt(variance) (at most 1.5 / sqrt(0.5)).
    const sum = accumulated(kh * kw * ci);
    return fusedCase({
      kernel: 'conv2dBatchNormRelu', name: c.name, seed: c.seed,
      make: (rng: Random) => {
        const x = normal(rng, c.input);
        const filter = normal(rng, c.filter);
        const gamma = c.negativeGamma ? uniform(rng, [co], -1.5, -0.5) : uniform(rng, [co], 0.5, 1.5);
        return { x, filter, gamma, beta: normal(rng, [co]), mean: normal(rng, [co]), variance: uniform(rng, [co], 0.5, 2) };
      },
      tolerance: { atol: 3 * sum.atol, rtol: 1e-5 },
      run: (b, i) => ({
        y: b.conv2dBatchNormRelu!(i.x, i.filter, { mean: i.mean, variance: i.variance, gamma: i.gamma, beta: i.beta, epsilon: EPSILON }, { ...conv, ...(c.pool ? { pool: c.pool } : {}) }),
      }),
      reference: (i) => ({
        y: refConv2dBatchNormRelu(
          fromTensor(i.x), fromTensor(i.filter), fromTensor(i.mean), fromTensor(i.variance), fromTensor(i.gamma), fromTensor(i.beta), EPSILON, conv, c.pool,
        ),
      }),
    });
  });
}

/*
 * The training forward: small cases only. Its argmax is compared exactly, and a
 * conv output off by float32 rounding can swap two window values that lie
 * within that rounding of each other; with a few hundred windows per case that
 * never happens for these seeds, while thousands would make it likely. Large
 * shapes are held by the native tests (bits equal to conv2d then batchNormReluTraining).
 */
const CONV_TRAINING_CASES = CONV_BN_RELU_CASES.filter((c) => c.input.reduce((a, b) => a * b, 1) <= 4000);

function convTrainingCases(): ConformanceCase[] {
  return CONV_TRAINING_CASES.map((c) => {
    const conv = { strides: c.strides ?? [1, 1], padding: c.padding, dilations: c.dilations ?? [1, 1] } as const;
    const [kh, kw, ci, co] = c.filter;
    const sum = accumulated(kh * kw * ci);
    return fusedCase({
      kernel: 'conv2dBatchNormReluTraining', name: c.name, seed: c.seed + 100,
      make: (rng: Random) => {
        const x = normal(rng, c.input);
        const filter = normal(rng, c.filter);
        const gamma = c.negativeGamma ? uniform(rng, [co], -1.5, -0.5) : uniform(rng, [co], 0.5, 1.5);
        return { x, filter, gamma, beta: normal(rng, [co]) };
      },
      // z carries the conv sum's slack; batch norm divides it by z's spread (about sqrt(K)) again.
      tolerance: {
        z: sum, y: { atol: 1e-5 + sum.atol, rtol: 1e-5 }, argmax: EXACT,
        mean: { atol: sum.atol, rtol: 1e-6 }, variance: { atol: sum.atol * 10, rtol: 1e-4 }, invStd: { atol: 1e-6, rtol: 1e-4 },
      },
      run: (b, i) => {
        const r = b.conv2dBatchNormReluTraining!(i.x, i.filter, i.gamma, i.beta, { ...conv, epsilon: EPSILON, ...(c.pool ? { pool: c.pool } : {}) });
        return { z: r.z, y: r.y, mean: r.mean, variance: r.variance, invStd: r.invStd, ...(r.argmax ? { argmax: r.argmax } : {}) };
      },
      reference: (i) => {
        const r = refConv2dBatchNormReluTraining(fromTensor(i.x), fromTensor(i.filter), fromTensor(i.gamma), fromTensor(i.beta), EPSILON, conv, c.pool);
        return { z: r.z, y: r.y, mean: r.mean, variance: r.variance, invStd: r.invStd, ...(r.argmax ? { argmax: r.argmax } : {}) };
      },
    });
  });
}

/*
 * The backward for a conv whose input needs no gradient: against the float64
 * chain batchNormReluBackward -> conv2dBackpropFilter, fed what the reference
 * forward hands backward (rounded to float32). Every geometry, large ones too:
 * nothing is compared exactly.
 */
function convBackwardFilterCases(): ConformanceCase[] {
  return CONV_BN_RELU_CASES.map((c) => {
    const conv = { strides: c.strides ?? [1, 1], padding: c.padding, dilations: c.dilations ?? [1, 1] } as const;
    const co = c.filter[3];
    return fusedCase({
      kernel: 'conv2dBatchNormReluBackwardFilter', name: c.name, seed: c.seed + 200,
      make: (rng: Random) => {
        const x = normal(rng, c.input);
        const filter = normal(rng, c.filter);
        const gamma = c.negativeGamma ? uniform(rng, [co], -1.5, -0.5) : uniform(rng, [co], 0.5, 1.5);
        const f = refConv2dBatchNormReluTraining(fromTensor(x), fromTensor(filter), fromTensor(gamma), fromTensor(normal(rng, [co])), EPSILON, conv, c.pool);
        return {
          x, filter, gamma, z: toTensor(f.z), mean: toTensor(f.mean), invStd: toTensor(f.invStd), y: toTensor(f.y), argmax: f.argmax,
          dy: normal(rng, f.y.shape),
        };
      },
      // Sums over every conv output position (the filter) or every one of a channel (gamma, beta).
      tolerance: (() => {
        const positions = c.input[0] * (c.padding === 'same' ? Math.ceil(c.input[1] / (c.strides?.[0] ?? 1)) * Math.ceil(c.input[2] / (c.strides?.[1] ?? 1)) : c.input[1] * c.input[2]);
        const sum = accumulated(positions);
        return { dfilter: sum, dgamma: sum, dbeta: sum };
      })(),
      run: (b, i) => {
        const g = b.conv2dBatchNormReluBackwardFilter!(i.dy, {
          x: i.z, gamma: i.gamma, mean: i.mean, invStd: i.invStd, y: i.y, ...(i.argmax ? { argmax: i.argmax, pool: c.pool } : {}),
          input: i.x, filter: i.filter, conv,
        });
        return { dfilter: g.dfilter, dgamma: g.dgamma, dbeta: g.dbeta };
      },
      reference: (i) => {
        const g = refBatchNormReluBackward(fromTensor(i.dy), fromTensor(i.z), fromTensor(i.gamma), fromTensor(i.mean), fromTensor(i.invStd), fromTensor(i.y), i.argmax);
        return { dfilter: refConv2dBackpropFilter(fromTensor(i.x), g.dx, c.filter, conv), dgamma: g.dgamma, dbeta: g.dbeta };
      },
    });
  });
}

/** Every case of the fused kernels. */
export function fusedCases(): ConformanceCase[] {
  return [...bnReluCases(), ...convBnReluCases(), ...convTrainingCases(), ...convBackwardFilterCases()];
}

import type { Backend, Random, Tensor } from '@batchwise/core';
import { fromValues, normal, toTensor } from '../inputs.js';
import {
  fromTensor, refBiasAdd, refBiasGrad, refRelu, refReluBackward, refSigmoid, refSigmoidBackward,
  refSoftmax, refSoftmaxBackward, refTanh, refTanhBackward, type Array64,
} from '../references/index.js';
import { accumulated, ELEMENTWISE, EXACT, FEW_OPS, type Tolerance } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import type { ConformanceCase } from './types.js';

type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax';

const FORWARD: Record<Activation, (x: Array64) => Array64> = { relu: refRelu, sigmoid: refSigmoid, tanh: refTanh, softmax: refSoftmax };
const BACKWARD: Record<Activation, (dy: Array64, y: Array64) => Array64> = {
  relu: refReluBackward, sigmoid: refSigmoidBackward, tanh: refTanhBackward, softmax: refSoftmaxBackward,
};
const TOLERANCE: Record<Activation, Tolerance> = { relu: EXACT, sigmoid: ELEMENTWISE, tanh: ELEMENTWISE, softmax: FEW_OPS };

/** Zeros, tiny and huge magnitudes, and infinities: saturation and sign handling. */
const SPECIAL = [0, -0, 1e-30, -1e-30, 0.5, -0.5, 20, -20, 88, -88, 100, -100, Infinity, -Infinity];

interface ActivationCase {
  name: string;
  seed: number;
  make(rng: Random): Tensor;
}

function casesFor(a: Activation): ActivationCase[] {
  if (a === 'softmax') {
    return [
      { name: 'rank 1 [7]', seed: 501, make: (r) => normal(r, [7], 0, 2) },
      { name: 'rank 2 [6,10]', seed: 502, make: (r) => normal(r, [6, 10], 0, 2) },
      { name: 'rank 4 [2,3,3,5]', seed: 503, make: (r) => normal(r, [2, 3, 3, 5], 0, 2) },
      // Without subtracting the row maximum, exp(1000) overflows to Infinity and the row becomes NaN.
      { name: 'large logits ±1000', seed: 504, make: (r) => normal(r, [4, 6], 0, 1000) },
      { name: 'single class [4,1]', seed: 505, make: (r) => normal(r, [4, 1]) },
      { name: 'a -Infinity logit', seed: 506, make: () => fromValues([1, -Infinity, 2, 0.5, -Infinity, -1], [2, 3]) },
      { name: 'large [256,100]', seed: 507, make: (r) => normal(r, [256, 100], 0, 3) },
    ];
  }
  return [
    { name: 'rank 2 [8,9]', seed: 511, make: (r) => normal(r, [8, 9], 0, 3) },
    { name: 'rank 4 [2,5,5,3]', seed: 512, make: (r) => normal(r, [2, 5, 5, 3], 0, 3) },
    { name: 'rank 1 [1]', seed: 513, make: (r) => normal(r, [1]) },
    { name: 'special values', seed: 514, make: () => fromValues(SPECIAL) },
    { name: 'large [32,28,28,16]', seed: 515, make: (r) => normal(r, [32, 28, 28, 16], 0, 3) },
  ];
}

function activationCases(a: Activation): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const backwardName = `${a}Backward` as const;
  for (const c of casesFor(a)) {
    out.push(
      comparisonCase({
        kernel: a, name: c.name, seed: c.seed,
        make: (rng) => ({ x: c.make(rng) }),
        tolerance: TOLERANCE[a],
        run: (b, i) => ({ y: (b[a] as Backend['relu']).call(b, i.x) }),
        reference: (i) => ({ y: FORWARD[a](fromTensor(i.x)) }),
      }),
    );
    // Backward takes the forward output; infinities make no sense as upstream gradients, so those are finite.
    if (c.name === 'special values') continue;
    out.push(
      comparisonCase({
        kernel: backwardName, name: c.name, seed: c.seed,
        make: (rng) => {
          const x = c.make(rng);
          return { y: toTensor(FORWARD[a](fromTensor(x))), dy: normal(rng, x.shape) };
        },
        tolerance: a === 'relu' ? EXACT : FEW_OPS,
        run: (b, i) => ({ dx: (b[backwardName] as Backend['reluBackward']).call(b, i.dy, i.y) }),
        reference: (i) => ({ dx: BACKWARD[a](fromTensor(i.dy), fromTensor(i.y)) }),
      }),
    );
  }
  return out;
}

const BIAS_SHAPES: Array<[string, number, number[]]> = [
  ['rank 1 [5]', 521, [5]],
  ['rank 2 [7,4]', 522, [7, 4]],
  ['rank 4 [2,3,3,6]', 523, [2, 3, 3, 6]],
  ['one channel [9,1]', 524, [9, 1]],
  ['large [32,28,28,32]', 525, [32, 28, 28, 32]],
];

function biasCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [name, seed, shape] of BIAS_SHAPES) {
    const channels = shape[shape.length - 1];
    const rows = shape.reduce((p, d) => p * d, 1) / channels;
    out.push(
      comparisonCase({
        kernel: 'biasAdd', name, seed,
        make: (rng) => ({ x: normal(rng, shape), bias: normal(rng, [channels]) }),
        tolerance: ELEMENTWISE,
        run: (b, i) => ({ y: b.biasAdd(i.x, i.bias) }),
        reference: (i) => ({ y: refBiasAdd(fromTensor(i.x), fromTensor(i.bias)) }),
      }),
      comparisonCase({
        kernel: 'biasGrad', name, seed,
        make: (rng) => ({ dy: normal(rng, shape) }),
        tolerance: accumulated(rows),
        run: (b, i) => ({ dbias: b.biasGrad(i.dy) }),
        reference: (i) => ({ dbias: refBiasGrad(fromTensor(i.dy)) }),
      }),
    );
  }
  return out;
}

export function activationAndBiasCases(): ConformanceCase[] {
  return [...(['relu', 'sigmoid', 'tanh', 'softmax'] as const).flatMap(activationCases), ...biasCases()];
}

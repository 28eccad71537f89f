import { InvalidArgumentError, ShapeError, Tensor } from '@batchwise/core';
import { bad, MAX, t, type InvalidCase } from './invalid-windows.js';

/* Invalid-argument cases of the dense, elementwise, reduction and training kernels. */

const S = ShapeError;
const I = InvalidArgumentError;

const binaryCases: InvalidCase[] = (['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const).map((k) => ({
  kernel: k, name: 'b of another shape', call: (o) => o[k](t(2, 3), t(3, 2)), error: S,
  message: `${k}: b must have the shape of a [2,3], received [3,2].`,
}));

const unaryCases: InvalidCase[] = (['relu', 'sigmoid', 'tanh', 'neg', 'abs', 'exp', 'log', 'sqrt', 'square'] as const).map((k) => ({
  kernel: k, name: 'x not a tensor', call: (o) => o[k](bad(3)), error: I, message: `${k}: x must be a Tensor, received 3.`,
}));

const activationBackwardCases: InvalidCase[] = (['reluBackward', 'sigmoidBackward', 'tanhBackward', 'softmaxBackward'] as const).map((k) => ({
  kernel: k, name: 'y of another shape than dy', call: (o) => o[k](t(2, 3), t(3, 2)), error: S,
  message: `${k}: y must have the shape of dy [2,3], received [3,2].`,
}));

const sgd = { learningRate: 0.1, momentum: 0.9, nesterov: false };
const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 };

export const INVALID_OTHER_CASES: InvalidCase[] = [
  { kernel: 'matMul', name: 'inner dimensions differ', call: (o) => o.matMul(t(2, 3), t(4, 5)), error: S,
    message: 'matMul: inner dimensions must match, received a [2,3] and b [4,5] (3 vs 4).' },
  { kernel: 'matMul', name: 'inner dimensions differ with transposeA', call: (o) => o.matMul(t(2, 3), t(3, 4), { transposeA: true }), error: S,
    message: 'matMul: inner dimensions must match, received a [2,3] (transposed) and b [3,4] (2 vs 3).' },
  { kernel: 'matMul', name: 'a of rank 3', call: (o) => o.matMul(t(2, 2, 2), t(2, 2)), error: S,
    message: 'matMul: a must have rank 2, received rank 3 (shape [2,2,2]).' },
  { kernel: 'matMul', name: 'transposeB not a boolean', call: (o) => o.matMul(t(2, 3), t(4, 3), { transposeB: bad('yes') }), error: I,
    message: "matMul: transposeB must be a boolean, received 'yes'." },
  { kernel: 'transpose', name: 'perm with a repeat', call: (o) => o.transpose(t(2, 3), [0, 0]), error: I,
    message: 'transpose: perm must be a permutation of 0..1, received [0,0].' },
  { kernel: 'transpose', name: 'perm longer than the rank', call: (o) => o.transpose(t(2, 3), [1, 0, 2]), error: I,
    message: 'transpose: perm must be a permutation of 0..1, received [1,0,2].' },
  { kernel: 'biasAdd', name: 'bias of the wrong length', call: (o) => o.biasAdd(t(4, 3), t(4)), error: S,
    message: 'biasAdd: bias must have shape [3], received [4].' },
  { kernel: 'biasGrad', name: 'dy of rank 0', call: (o) => o.biasGrad(t()), error: S,
    message: 'biasGrad: dy must have rank >= 1, received rank 0 (shape []).' },
  { kernel: 'softmax', name: 'x of rank 0', call: (o) => o.softmax(t()), error: S,
    message: 'softmax: x must have rank >= 1, received rank 0 (shape []).' },
  { kernel: 'dropout', name: 'rate 1', call: (o) => o.dropout(t(2, 3), { rate: 1, seed: 1 }), error: I,
    message: 'dropout: rate must be in [0, 1), received 1.' },
  { kernel: 'dropout', name: 'negative rate', call: (o) => o.dropout(t(2, 3), { rate: -0.1, seed: 1 }), error: I,
    message: 'dropout: rate must be in [0, 1), received -0.1.' },
  { kernel: 'dropout', name: 'fractional seed', call: (o) => o.dropout(t(2, 3), { rate: 0.5, seed: 1.5 }), error: I,
    message: 'dropout: seed must be an integer, received 1.5.' },
  // core names the mask 'y' here: it reuses the activation-backward check.
  { kernel: 'dropoutBackward', name: 'mask of another shape than dy', call: (o) => o.dropoutBackward(t(2, 3), t(3, 2)), error: S,
    message: 'dropoutBackward: mask must have the shape of dy [2,3], received [3,2].' },
  ...binaryCases,
  ...unaryCases,
  ...activationBackwardCases,
  { kernel: 'addScalar', name: 'NaN scalar', call: (o) => o.addScalar(t(2), NaN), error: I,
    message: 'addScalar: scalar must be a finite number, received NaN.' },
  { kernel: 'mulScalar', name: 'infinite scalar', call: (o) => o.mulScalar(t(2), Infinity), error: I,
    message: 'mulScalar: scalar must be a finite number, received Infinity.' },
  { kernel: 'clip', name: 'min above max', call: (o) => o.clip(t(2), 2, 1), error: I,
    message: 'clip: min must be <= max, received min 2 and max 1.' },
  { kernel: 'clip', name: 'NaN min', call: (o) => o.clip(t(2), NaN, 1), error: I,
    message: 'clip: min must be a finite number, received NaN.' },
  { kernel: 'sum', name: 'axis out of range', call: (o) => o.sum(t(2, 3, 4), { axes: [3] }), error: I,
    message: 'sum: axes must be distinct integers in [-3, 2], received [3].' },
  { kernel: 'sum', name: 'keepDims not a boolean', call: (o) => o.sum(t(2, 3), { keepDims: bad('yes') }), error: I,
    message: "sum: keepDims must be a boolean, received 'yes'." },
  { kernel: 'mean', name: 'the same axis twice', call: (o) => o.mean(t(2, 3, 4), { axes: [0, -3] }), error: I,
    message: 'mean: axes must be distinct integers in [-3, 2], received [0,-3].' },
  { kernel: 'max', name: 'empty x', call: (o) => o.max(t(0, 3)), error: S,
    message: 'max: x must not be empty, received shape [0,3].' },
  { kernel: 'argMax', name: 'x of rank 0', call: (o) => o.argMax(t()), error: S,
    message: 'argMax: x must have rank >= 1, received rank 0 (shape []).' },
  { kernel: 'argMax', name: 'empty last axis', call: (o) => o.argMax(t(2, 0)), error: S,
    message: 'argMax: x must not be empty, received shape [2,0].' },
  { kernel: 'softmaxCrossEntropy', name: 'labels of another shape', call: (o) => o.softmaxCrossEntropy(t(4, 3), t(4, 2)), error: S,
    message: 'softmaxCrossEntropy: labels must have the shape of logits [4,3], received [4,2].' },
  { kernel: 'sgdUpdate', name: 'momentum above 1', call: (o) => o.sgdUpdate(t(3), t(3), t(3), { ...sgd, momentum: 1.5 }), error: I,
    message: 'sgdUpdate: momentum must be in [0, 1], received 1.5.' },
  { kernel: 'sgdUpdate', name: 'null velocity with momentum', call: (o) => o.sgdUpdate(t(3), t(3), null, sgd), error: I,
    message: 'sgdUpdate: velocity must be a tensor when momentum > 0, received null.' },
  { kernel: 'sgdUpdate', name: 'negative learning rate', call: (o) => o.sgdUpdate(t(3), t(3), t(3), { ...sgd, learningRate: -1 }), error: I,
    message: `sgdUpdate: learningRate must be in [0, ${MAX}], received -1.` },
  { kernel: 'sgdUpdate', name: 'nesterov not a boolean', call: (o) => o.sgdUpdate(t(3), t(3), t(3), { ...sgd, nesterov: bad('no') }), error: I,
    message: "sgdUpdate: nesterov must be a boolean, received 'no'." },
  { kernel: 'sgdUpdate', name: 'grad of another shape', call: (o) => o.sgdUpdate(t(3), t(4), t(3), sgd), error: S,
    message: 'sgdUpdate: grad must have the shape of param [3], received [4].' },
  { kernel: 'sgdUpdate', name: 'velocity sharing memory with param', call: (o) => {
    const p = t(3);
    return o.sgdUpdate(p, t(3), new Tensor(p.data, [3]), sgd);
  }, error: I, message: 'sgdUpdate: velocity must not share memory with param.' },
  { kernel: 'adamUpdate', name: 'beta1 of 1', call: (o) => o.adamUpdate(t(3), t(3), t(3), t(3), { ...adam, beta1: 1 }), error: I,
    message: 'adamUpdate: beta1 must be in [0, 1), received 1.' },
  { kernel: 'adamUpdate', name: 'step 0', call: (o) => o.adamUpdate(t(3), t(3), t(3), t(3), { ...adam, step: 0 }), error: I,
    message: 'adamUpdate: step must be a positive integer, received 0.' },
  { kernel: 'adamUpdate', name: 'epsilon 0', call: (o) => o.adamUpdate(t(3), t(3), t(3), t(3), { ...adam, epsilon: 0 }), error: I,
    message: `adamUpdate: epsilon must be in (0, ${MAX}], received 0.` },
  { kernel: 'adamUpdate', name: 'm and v sharing memory', call: (o) => {
    const m = t(3);
    return o.adamUpdate(t(3), t(3), m, new Tensor(m.data, [3]), adam);
  }, error: I, message: 'adamUpdate: m and v must not share memory.' },
];

import { dropoutKey, dropoutUniform, tensor, type Backend, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { cpu, expectClose, expectTensorClose, native, randn } from './helpers.js';

const UNARY = ['relu', 'sigmoid', 'tanh', 'neg', 'abs', 'exp', 'square'] as const;
const GRADS = [['reluBackward', 'relu'], ['sigmoidBackward', 'sigmoid'], ['tanhBackward', 'tanh']] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
// libm exp/tanh in C++ and Math.exp/tanh in V8 may differ by an ulp or two, rounded to float.
const TRANSCENDENTAL_RTOL = 1e-6;

describe('elementwise kernels against backend-cpu', () => {
  // 70001 elements: several parallel chunks and an odd tail.
  const x = randn([70001], 1, 3);
  for (const name of UNARY) {
    it(name, () => expectTensorClose(native[name](x), cpu[name](x), name, TRANSCENDENTAL_RTOL, 1e-7));
  }
  it('log and sqrt of positive inputs, NaN for negatives', () => {
    const p = native.abs(x);
    expectTensorClose(native.log(p), cpu.log(p), 'log', TRANSCENDENTAL_RTOL, 1e-7);
    expectTensorClose(native.sqrt(p), cpu.sqrt(p), 'sqrt', TRANSCENDENTAL_RTOL, 0);
    expect(Number.isNaN(native.sqrt(tensor([-1])).data[0])).toBe(true);
  });
  for (const [name, forward] of GRADS) {
    it(name, () => {
      const y = cpu[forward](x), dy = randn([70001], 2);
      expectTensorClose(native[name](dy, y), cpu[name](dy, y), name, 1e-6, 1e-7);
    });
  }
  for (const name of BINARY) {
    it(name, () => {
      const b = randn([70001], 3);
      expectTensorClose(native[name](x, b), cpu[name](x, b), name, 1e-7, 0);
    });
  }
  it('scalar ops and clip', () => {
    expectTensorClose(native.addScalar(x, 2.5), cpu.addScalar(x, 2.5), 'addScalar', 0, 0);
    expectTensorClose(native.mulScalar(x, -0.5), cpu.mulScalar(x, -0.5), 'mulScalar', 0, 0);
    expectTensorClose(native.clip(x, -1, 2), cpu.clip(x, -1, 2), 'clip', 0, 0);
  });
  it('NaN propagates through relu, maximum and minimum', () => {
    const n = tensor([Number.NaN, 1]);
    expect(Number.isNaN(native.relu(n).data[0])).toBe(true);
    expect(Number.isNaN(native.maximum(n, tensor([0, 0])).data[0])).toBe(true);
    expect(Number.isNaN(native.minimum(tensor([0, 0]), n).data[0])).toBe(true);
  });
});

describe('bias, softmax and loss against backend-cpu', () => {
  for (const shape of [[5, 3], [2, 7, 7, 33], [40000, 2]]) {
    const c = shape[shape.length - 1];
    it(`biasAdd and biasGrad ${JSON.stringify(shape)}`, () => {
      const x = randn(shape, 4), bias = randn([c], 5);
      expectTensorClose(native.biasAdd(x, bias), cpu.biasAdd(x, bias), 'biasAdd', 0, 0);
      expectTensorClose(native.biasGrad(x), cpu.biasGrad(x), 'biasGrad', 1e-5, 1e-5);
    });
    it(`softmax, softmaxBackward and softmaxCrossEntropy ${JSON.stringify(shape)}`, () => {
      const x = randn(shape, 6, 4), dy = randn(shape, 7);
      const y = native.softmax(x);
      expectTensorClose(y, cpu.softmax(x), 'softmax', 1e-5, 1e-7);
      expectTensorClose(native.softmaxBackward(dy, y), cpu.softmaxBackward(dy, y), 'softmaxBackward', 1e-4, 1e-6);
      const labels = native.softmax(randn(shape, 8));
      const n = native.softmaxCrossEntropy(x, labels), r = cpu.softmaxCrossEntropy(x, labels);
      expectTensorClose(n.loss, r.loss, 'loss', 1e-5, 1e-6);
      expectTensorClose(n.dlogits, r.dlogits, 'dlogits', 1e-5, 1e-6);
    });
  }
  it('softmax is stable for large logits', () => {
    const y = native.softmax(tensor([[1000, 1000, -1000]]));
    expectClose(y.data, [0.5, 0.5, 0], 'softmax large', 1e-6, 1e-7);
  });
});

describe('reductions against backend-cpu', () => {
  const x = randn([3, 4, 5, 6], 9);
  const axesCases: (number[] | undefined)[] = [undefined, [0], [3], [1, 2], [0, 3], [-1], [0, 1, 2], [2], [1, 3]];
  for (const kind of ['sum', 'mean', 'max'] as const) {
    for (const axes of axesCases) {
      for (const keepDims of [false, true]) {
        it(`${kind} axes ${JSON.stringify(axes)} keepDims ${keepDims}`, () => {
          const o = { axes, keepDims };
          expectTensorClose(native[kind](x, o), cpu[kind](x, o), kind, 1e-5, 1e-5);
        });
      }
    }
  }
  it('large sum over all axes (parallel chunks)', () => {
    const big = randn([300001], 10);
    expectTensorClose(native.sum(big), cpu.sum(big), 'sum', 1e-5, 1e-4);
    expectTensorClose(native.max(big), cpu.max(big), 'max', 0, 0);
  });
  it('argMax, first index on ties', () => {
    const t = randn([7, 5, 9], 11);
    expectTensorClose(native.argMax(t), cpu.argMax(t), 'argMax', 0, 0);
    expect(Array.from(native.argMax(tensor([[1, 3, 3], [2, 2, 2]])).data)).toEqual([1, 0]);
  });
});

describe('dropout', () => {
  const x = randn([10000], 12);
  it('mask is 0 or 1/(1-rate), y = x * mask, and the seed reproduces it', () => {
    const a = native.dropout(x, { rate: 0.3, seed: 42 }), b = native.dropout(x, { rate: 0.3, seed: 42 });
    expect(Array.from(a.mask.data)).toEqual(Array.from(b.mask.data));
    const keep = Math.fround(1 / 0.7);
    let kept = 0;
    for (let i = 0; i < x.size; i++) {
      expect([0, keep]).toContain(a.mask.data[i]);
      expect(a.y.data[i]).toBe(Math.fround(x.data[i] * a.mask.data[i]));
      if (a.mask.data[i] !== 0) kept++;
    }
    // 10000 Bernoulli(0.7) draws: 7000 +- 46 (sd); 6 sd of slack.
    expect(Math.abs(kept - 7000)).toBeLessThan(280);
    const c = native.dropout(x, { rate: 0.3, seed: 43 });
    expect(Array.from(c.mask.data)).not.toEqual(Array.from(a.mask.data));
  });
  it('follows core\'s mask contract (unit i dropped when dropoutUniform(key, i) < rate)', () => {
    for (const [seed, rate] of [[42, 0.3], [-7, 0.5], [2 ** 40 + 3, 0.9], [0, 1 / 3]] as const) {
      const { mask } = native.dropout(x, { rate, seed });
      const key = dropoutKey(seed);
      const keep = Math.fround(1 / (1 - rate));
      for (let i = 0; i < x.size; i++) {
        const expected = dropoutUniform(key, i) < rate ? 0 : keep;
        if (mask.data[i] !== expected) expect.fail(`seed ${seed} rate ${rate}: unit ${i} mask ${mask.data[i]}, expected ${expected}`);
      }
    }
  });
  it('rate 0 keeps everything; backward multiplies by the mask', () => {
    expect(Array.from(native.dropout(x, { rate: 0, seed: 1 }).mask.data).every((m) => m === 1)).toBe(true);
    const { mask } = native.dropout(x, { rate: 0.5, seed: 3 }), dy = randn([10000], 13);
    expectTensorClose(native.dropoutBackward(dy, mask), cpu.dropoutBackward(dy, mask), 'dropoutBackward', 0, 0);
  });
});

describe('in-place optimizers against backend-cpu', () => {
  function run(b: Backend, update: (b: Backend, w: Tensor, g: Tensor, s1: Tensor, s2: Tensor) => void) {
    const w = randn([5001], 14), s1 = randn([5001], 15, 0.1), s2 = native.abs(randn([5001], 16, 0.1));
    for (let step = 1; step <= 3; step++) update(b, w, randn([5001], 16 + step), s1, s2);
    return [w, s1, s2];
  }
  const updates: [string, (b: Backend, w: Tensor, g: Tensor, s1: Tensor, s2: Tensor) => void][] = [
    ['sgd plain', (b, w, g) => b.sgdUpdate(w, g, null, { learningRate: 0.1, momentum: 0, nesterov: false })],
    ['sgd momentum', (b, w, g, v) => b.sgdUpdate(w, g, v, { learningRate: 0.1, momentum: 0.9, nesterov: false })],
    ['sgd nesterov', (b, w, g, v) => b.sgdUpdate(w, g, v, { learningRate: 0.1, momentum: 0.9, nesterov: true })],
    ['adam', (b, w, g, m, v) => b.adamUpdate(w, g, m, v, { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3 })],
  ];
  for (const [name, update] of updates) {
    it(name, () => {
      const n = run(native, update), r = run(cpu, update);
      for (let i = 0; i < 3; i++) expectTensorClose(n[i], r[i], `${name} state ${i}`, 1e-5, 1e-6);
    });
  }
});

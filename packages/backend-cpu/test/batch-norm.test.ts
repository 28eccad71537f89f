import { fill, tensor, type Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { batchNormBackward, batchNormInference, batchNormTraining } from '../src/kernels/batch-norm.js';
import { expectClose, randomTensor, randomValues } from './support.js';

const EPS = 1e-3;

/** float64 forward by the definition: per channel, two-pass mean and biased variance. */
function refForward(x: ArrayLike<number>, C: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number) {
  const N = x.length / C;
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < N; r++) s += x[r * C + c];
    mean[c] = s / N;
    let q = 0;
    for (let r = 0; r < N; r++) q += (x[r * C + c] - mean[c]) ** 2;
    variance[c] = q / N;
  }
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % C;
    y[i] = (gamma[c] * (x[i] - mean[c])) / Math.sqrt(variance[c] + eps) + beta[c];
  }
  return { y, mean, variance };
}

function params(C: number, seed: number): { gamma: Tensor; beta: Tensor } {
  return { gamma: tensor(randomValues(C, seed, 0.5, 1.5), [C]), beta: tensor(randomValues(C, seed + 1), [C]) };
}

describe('batchNormTraining', () => {
  for (const [name, shape] of [
    ['NHWC batch', [3, 4, 5, 6]],
    ['dense [batch, units]', [7, 5]],
    ['batch 1, 1x1 spatial', [1, 1, 1, 4]],
    ['one channel', [5, 3, 3, 1]],
    // 1800 rows of 5 channels: 409-row blocks in channel-loops, plus one leftover channel.
    ['several row blocks', [2, 30, 30, 5]],
  ] as [string, number[]][]) {
    it(name, () => {
      const C = shape[shape.length - 1];
      const x = randomTensor(shape, 1, -2, 3);
      const { gamma, beta } = params(C, 2);
      const out = batchNormTraining(x, gamma, beta, { epsilon: EPS });
      const ref = refForward(x.data, C, gamma.data, beta.data, EPS);
      expect(out.y.shape).toEqual(shape);
      expectClose(out.y.data, ref.y);
      expectClose(out.mean.data, ref.mean);
      expectClose(out.variance.data, ref.variance);
      expectClose(out.invStd.data, [...ref.variance].map((v) => 1 / Math.sqrt(v + EPS)));
    });
  }

  it('constant input: zero variance, y = beta exactly, all finite', () => {
    const x = fill([4, 2, 2, 3], 7.25);
    const { gamma, beta } = params(3, 3);
    const out = batchNormTraining(x, gamma, beta, { epsilon: EPS });
    expect([...out.variance.data]).toEqual([0, 0, 0]);
    expect([...out.mean.data]).toEqual([7.25, 7.25, 7.25]);
    for (let i = 0; i < out.y.size; i++) expect(out.y.data[i]).toBe(beta.data[i % 3]);
    expect(out.invStd.data.every(Number.isFinite)).toBe(true);
  });

  it('input offset by 1e4 with small spread keeps the variance (two-pass)', () => {
    const C = 2;
    const spread = randomValues(200 * C, 4, -0.01, 0.01);
    const x = tensor(spread.map((v) => 1e4 + v), [200, C]);
    const { gamma, beta } = params(C, 5);
    const out = batchNormTraining(x, gamma, beta, { epsilon: 1e-8 });
    const ref = refForward(x.data, C, gamma.data, beta.data, 1e-8);
    // variance is ~3e-5; one-pass E[x^2]-E[x]^2 in float32 or even float64 loses it entirely.
    expectClose(out.variance.data, ref.variance, 0, 1e-4);
    expectClose(out.y.data, ref.y, 1e-3, 1e-3);
  });
});

describe('batchNormInference', () => {
  it('applies moving statistics as gamma*(x-mean)/sqrt(var+eps)+beta', () => {
    const C = 3;
    const x = randomTensor([2, 3, 3, C], 6);
    const { gamma, beta } = params(C, 7);
    const mean = tensor(randomValues(C, 8), [C]);
    const variance = tensor(randomValues(C, 9, 0.1, 2), [C]);
    const y = batchNormInference(x, { mean, variance, gamma, beta, epsilon: EPS });
    const ref = [...x.data].map((v, i) => {
      const c = i % C;
      return (gamma.data[c] * (v - mean.data[c])) / Math.sqrt(variance.data[c] + EPS) + beta.data[c];
    });
    expectClose(y.data, ref);
  });
});

describe('batchNormBackward', () => {
  /** Loss L = sum(w * y(x, gamma, beta)) in float64, for finite differences. */
  function loss(x: Float64Array, C: number, gamma: Float64Array, beta: Float64Array, w: Float32Array): number {
    const { y } = refForward(x, C, gamma, beta, EPS);
    return y.reduce((s, v, i) => s + v * w[i], 0);
  }

  it('matches central finite differences of the float64 forward', () => {
    const shape = [3, 2, 2, 3];
    const C = 3;
    const x = randomTensor(shape, 10, -1, 2);
    const { gamma, beta } = params(C, 11);
    const dy = randomTensor(shape, 12);
    const fwd = batchNormTraining(x, gamma, beta, { epsilon: EPS });
    const g = batchNormBackward(dy, { x, gamma, mean: fwd.mean, invStd: fwd.invStd });
    const x64 = Float64Array.from(x.data);
    const g64 = Float64Array.from(gamma.data);
    const b64 = Float64Array.from(beta.data);
    const h = 1e-5;
    const numeric = (v: Float64Array, i: number): number => {
      const keep = v[i];
      v[i] = keep + h;
      const up = loss(x64, C, g64, b64, dy.data);
      v[i] = keep - h;
      const down = loss(x64, C, g64, b64, dy.data);
      v[i] = keep;
      return (up - down) / (2 * h);
    };
    // Finite differences in float64 carry ~1e-9 error; the kernel's float32 output dominates.
    expectClose(g.dx.data, [...x64].map((_, i) => numeric(x64, i)), 1e-4, 1e-3);
    expectClose(g.dgamma.data, [...g64].map((_, i) => numeric(g64, i)), 1e-4, 1e-3);
    expectClose(g.dbeta.data, [...b64].map((_, i) => numeric(b64, i)), 1e-4, 1e-3);
  });

  it('matches the closed form on several row blocks and odd channel counts', () => {
    const shape = [3, 25, 25, 7];
    const C = 7;
    const x = randomTensor(shape, 14, -1, 3);
    const { gamma, beta } = params(C, 15);
    const dy = randomTensor(shape, 16);
    const fwd = batchNormTraining(x, gamma, beta, { epsilon: EPS });
    const g = batchNormBackward(dy, { x, gamma, mean: fwd.mean, invStd: fwd.invStd });
    const N = x.size / C;
    const dbeta = new Float64Array(C);
    const dgamma = new Float64Array(C);
    const xhat = [...x.data].map((v, i) => (v - fwd.mean.data[i % C]) * fwd.invStd.data[i % C]);
    dy.data.forEach((d, i) => {
      dbeta[i % C] += d;
      dgamma[i % C] += d * xhat[i];
    });
    const dx = [...dy.data].map((d, i) => {
      const c = i % C;
      return ((gamma.data[c] * fwd.invStd.data[c]) / N) * (N * d - dbeta[c] - xhat[i] * dgamma[c]);
    });
    expectClose(g.dbeta.data, dbeta, 1e-4);
    expectClose(g.dgamma.data, dgamma, 1e-4);
    expectClose(g.dx.data, dx, 1e-5, 1e-4);
  });

  it('constant input gives finite gradients and dx = 0 for constant dy', () => {
    const x = fill([4, 3], 2);
    const { gamma, beta } = params(3, 13);
    const fwd = batchNormTraining(x, gamma, beta, { epsilon: EPS });
    const g = batchNormBackward(fill([4, 3], 0.5), { x, gamma, mean: fwd.mean, invStd: fwd.invStd });
    expect([...g.dx.data].every((v) => v === 0)).toBe(true);
    expect([...g.dgamma.data]).toEqual([0, 0, 0]);
    expect([...g.dbeta.data]).toEqual([2, 2, 2]);
  });
});

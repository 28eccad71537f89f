import { Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadLayersModel, sequential, type GroupNormalization, type ModelArtifacts } from '../src/index.js';
import { finiteDifferences } from './bn-reference.js';
import { expectClose, randn } from './helpers.js';

/** Float32 layer against float64 reference; backward against float64 finite differences. */
const F32 = { atol: 2e-5, rtol: 2e-5 };
const GRAD = { atol: 5e-5, rtol: 1e-4 };

/** Wu & He 2018, eq. (1)-(2), channels last: per sample and group, over positions and the group's channels. */
function groupNormRef(x: ArrayLike<number>, shape: number[], groups: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, epsilon: number): Float64Array {
  const n = shape[0];
  const c = shape[shape.length - 1];
  const p = x.length / n / c;
  const cg = c / groups;
  const y = new Float64Array(x.length);
  for (let s = 0; s < n; s++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let q = 0; q < p; q++) for (let k = 0; k < cg; k++) idx.push((s * p + q) * c + g * cg + k);
      const mean = idx.reduce((a, i) => a + x[i], 0) / idx.length;
      const variance = idx.reduce((a, i) => a + (x[i] - mean) ** 2, 0) / idx.length;
      for (const i of idx) y[i] = gamma[i % c] * ((x[i] - mean) / Math.sqrt(variance + epsilon)) + beta[i % c];
    }
  }
  return y;
}

function layer(groups: number, c: number, x: Tensor): GroupNormalization {
  const gn = layers.groupNormalization({ groups });
  gn.apply(x);
  gn.gamma!.value.data.set(randn([c], 7, 1, 0.3).data);
  gn.beta!.value.data.set(randn([c], 8, 0, 0.5).data);
  return gn;
}

describe('GroupNormalization', () => {
  const cases: [string, number[], number][] = [
    ['[3,4,4,6] in 2 groups', [3, 4, 4, 6], 2],
    ['[2,3,3,4] in 4 groups (instance norm)', [2, 3, 3, 4], 4],
    ['[5,8] dense features in 2 groups', [5, 8], 2],
  ];

  it.each(cases)('%s: forward matches the float64 reference, the same in training and inference', (_n, shape, groups) => {
    const c = shape[shape.length - 1];
    const x = randn(shape, 1, 2, 3);
    const gn = layer(groups, c, x);
    const ref = groupNormRef(x.data, shape, groups, gn.gamma!.value.data, gn.beta!.value.data, gn.epsilon);
    expectClose(gn.apply(x).data, ref, F32, 'inference');
    expect(Array.from(gn.apply(x, { training: true }).data)).toEqual(Array.from(gn.apply(x).data));
  });

  it.each(cases)('%s: backward matches finite differences', (_n, shape, groups) => {
    const c = shape[shape.length - 1];
    const x = randn(shape, 2, 0, 1.5);
    const gn = layer(groups, c, x);
    const w = randn(shape, 3);
    const { cache } = gn.forward([x], { training: true });
    const g = gn.backward(w, cache, { weightGrads: true, inputGrads: true });
    const gamma = Float64Array.from(gn.gamma!.value.data);
    const beta = Float64Array.from(gn.beta!.value.data);
    const x64 = Float64Array.from(x.data);
    expectClose(g.dInputs[0]!.data, finiteDifferences(x64, w.data, (v) => groupNormRef(v, shape, groups, gamma, beta, gn.epsilon)), GRAD, 'dx');
    expectClose(g.grads[0][1].data, finiteDifferences(gamma, w.data, (v) => groupNormRef(x64, shape, groups, v, beta, gn.epsilon)), GRAD, 'dgamma');
    expectClose(g.grads[1][1].data, finiteDifferences(beta, w.data, (v) => groupNormRef(x64, shape, groups, gamma, v, gn.epsilon)), GRAD, 'dbeta');
  });

  it('does not depend on the batch: a sample alone gives its row of the batch output', () => {
    const x = randn([6, 2, 2, 4], 4);
    const gn = layer(2, 4, x);
    const all = gn.apply(x, { training: true });
    const one = gn.apply(new Tensor(x.data.slice(16, 32), [1, 2, 2, 4]), { training: true });
    expect(Array.from(one.data)).toEqual(Array.from(all.data.subarray(16, 32)));
  });

  it('survives save/load and refuses groups that do not divide the channels', async () => {
    const m = sequential({ layers: [layers.conv2d({ filters: 6, kernelSize: 3, inputShape: [5, 5, 1] }), layers.groupNormalization({ groups: 3, epsilon: 1e-5 })] });
    let artifacts: ModelArtifacts | null = null;
    await m.save({ save: (a: ModelArtifacts) => void (artifacts = a) });
    const back = await loadLayersModel(artifacts!);
    expect([(back.layers[1] as GroupNormalization).groups, (back.layers[1] as GroupNormalization).epsilon]).toEqual([3, 1e-5]);
    const x = randn([2, 5, 5, 1], 5);
    expect(Array.from((back.predict(x) as Tensor).data)).toEqual(Array.from((m.predict(x) as Tensor).data));
    expect(() => layers.groupNormalization({ name: 'gn_bad', groups: 4 }).apply(randn([2, 6], 6))).toThrow("GroupNormalization 'gn_bad': input channels (last dimension) must be a multiple of groups (4), received shape [2,6].");
  });
});

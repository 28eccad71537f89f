import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchNormalization, SMALL_BATCH_VALUES, layers, loadLayersModel, sequential, setWarningHandler, train, type LayersModel, type ModelArtifacts } from '../src/index.js';
import { batchNormRef, finiteDifferences, ghostRef, moments, renormRef } from './bn-reference.js';
import { expectClose, randn } from './helpers.js';
import { tf, tfl, toTf } from './tfjs.js';

/*
 * Small batches: the warning, ghost batch normalization and batch
 * renormalization, forward against float64 references and backward against
 * central finite differences of those references.
 */

/** Float32 layer against float64 references on unit-scale data. */
const F32 = { atol: 2e-5, rtol: 2e-5 };
/** Float32 backward against float64 finite differences (step 1e-6, error ~1e-9). */
const GRAD = { atol: 5e-5, rtol: 1e-4 };

let restore: ((m: string) => void) | null = null;
function captureWarnings(): string[] {
  const seen: string[] = [];
  restore = setWarningHandler((m) => seen.push(m));
  return seen;
}
afterEach(() => {
  if (restore) setWarningHandler(restore);
  restore = null;
});

const values = (t: Tensor) => Array.from(t.data);

/** Sets gamma, beta and the moving statistics to distinct values. */
function setParams(bn: BatchNormalization, c: number, seed: number): { gamma: Float32Array; beta: Float32Array } {
  bn.gamma!.value.data.set(randn([c], seed, 1, 0.3).data);
  bn.beta!.value.data.set(randn([c], seed + 1, 0, 0.5).data);
  bn.movingMean.value.data.set(randn([c], seed + 2, 0.2, 0.5).data);
  bn.movingVariance.value.data.set(randn([c], seed + 3, 0, 1).data.map((v) => 0.5 + Math.abs(v)));
  return { gamma: bn.gamma!.value.data, beta: bn.beta!.value.data };
}

/** The layer's backward of sum(w * y) in training mode, and float64 finite differences of `ref`. */
function gradients(bn: BatchNormalization, x: Tensor, w: Tensor, ref: (x: Float64Array, gamma: Float64Array, beta: Float64Array) => Float64Array) {
  const { cache } = bn.forward([x], { training: true });
  const g = bn.backward(w, cache, { weightGrads: true, inputGrads: true });
  const gamma = Float64Array.from(bn.gamma!.value.data);
  const beta = Float64Array.from(bn.beta!.value.data);
  const grads = new Map(g.grads.map(([v, t]) => [v.name, t]));
  return {
    dx: { ours: g.dInputs[0]!.data, fd: finiteDifferences(x.data, w.data, (v) => ref(v, gamma, beta)) },
    dgamma: { ours: grads.get('gamma')!.data, fd: finiteDifferences(gamma, w.data, (v) => ref(Float64Array.from(x.data), v, beta)) },
    dbeta: { ours: grads.get('beta')!.data, fd: finiteDifferences(beta, w.data, (v) => ref(Float64Array.from(x.data), gamma, v)) },
  };
}

describe('small training batches warn once, naming the layer', () => {
  it(`warns below ${SMALL_BATCH_VALUES} values per feature, once, and not at ${SMALL_BATCH_VALUES}`, async () => {
    const seen = captureWarnings();
    const small = layers.batchNormalization({ name: 'bn_small4' });
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2] }), small] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await m.trainOnBatch(randn([SMALL_BATCH_VALUES, 2], 1), randn([SMALL_BATCH_VALUES, 3], 2));
    expect(seen).toEqual([]);
    for (let i = 0; i < 3; i++) await m.trainOnBatch(randn([4, 2], 3 + i), randn([4, 3], 4));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^BatchNormalization 'bn_small4': training batch has 4 values per feature, fewer than 8; .*renorm: true/);
    m.predict(randn([2, 2], 9));
    // predict adds only its own warning about the 4 updates (bn-tools), not the small-batch one again.
    expect(seen.filter((w) => !w.includes(' predict: '))).toHaveLength(1);
  });

  it('counts positions: batch 2 of 3x3 feature maps is 18 values, no warning', () => {
    const seen = captureWarnings();
    const bn = layers.batchNormalization({ name: 'bn_conv_ok' });
    bn.apply(randn([2, 3, 3, 4], 1), { training: true });
    expect(seen).toEqual([]);
  });

  it('does not warn a layer that chose small groups (ghost batches) or corrects for them (renorm), except for one value', () => {
    const seen = captureWarnings();
    layers.batchNormalization({ name: 'bn_renorm_small', renorm: true }).apply(randn([4, 3], 1), { training: true });
    layers.batchNormalization({ name: 'bn_ghost_small', virtualBatchSize: 2 }).apply(randn([8, 3], 2), { training: true });
    expect(seen).toEqual([]);
    layers.batchNormalization({ name: 'bn_ghost_one', virtualBatchSize: 2 }).apply(randn([5, 3], 3), { training: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^BatchNormalization 'bn_ghost_one': training batch has 1 value per feature/);
  });
});

describe('ghost batch normalization (virtualBatchSize)', () => {
  const cases: [string, number[], number][] = [
    ['[12,3] in runs of 4', [12, 3], 4],
    ['[10,3] in runs of 4 (a remainder of 2)', [10, 3], 4],
    ['[6,2,2,3] feature maps in runs of 2', [6, 2, 2, 3], 2],
  ];

  it.each(cases)('%s: forward and moving statistics match the float64 reference', (_name, shape, virtual) => {
    const c = shape[shape.length - 1];
    const bn = layers.batchNormalization({ virtualBatchSize: virtual, momentum: 0.8 });
    const x = randn(shape, 11, 0.5, 2);
    bn.apply(x);
    const p = { ...setParams(bn, c, 20), epsilon: bn.epsilon };
    const before = { mean: Float64Array.from(bn.movingMean.value.data), variance: Float64Array.from(bn.movingVariance.value.data) };
    const y = bn.apply(x, { training: true });
    const ref = ghostRef(x.data, c, shape[0], virtual, p);
    expectClose(y.data, ref.y, F32, 'ghost forward');
    expectClose(bn.movingMean.value.data, before.mean.map((v, j) => 0.8 * v + 0.2 * ref.mean[j]), F32, 'moving mean');
    expectClose(bn.movingVariance.value.data, before.variance.map((v, j) => 0.8 * v + 0.2 * ref.variance[j]), F32, 'moving variance: mean of ghost variances');
    // Not plain batch norm: the ghost statistics differ from the whole batch's.
    expect(Math.max(...ref.y.map((v, i) => Math.abs(v - batchNormRef(x.data, c, p).y[i])))).toBeGreaterThan(1e-2);
  });

  it.each(cases)('%s: backward matches finite differences', (_name, shape, virtual) => {
    const c = shape[shape.length - 1];
    const bn = layers.batchNormalization({ virtualBatchSize: virtual });
    const x = randn(shape, 12, 0, 1.5);
    bn.apply(x);
    setParams(bn, c, 30);
    const g = gradients(bn, x, randn(shape, 13), (v, gamma, beta) => ghostRef(v, c, shape[0], virtual, { gamma, beta, epsilon: bn.epsilon }).y);
    for (const [k, { ours, fd }] of Object.entries(g)) expectClose(ours, fd, GRAD, `ghost ${k}`);
  });

  it('is never applied at inference (keras #15790): predict of 3 samples equals their rows of predict of 16', async () => {
    const bn = layers.batchNormalization({ virtualBatchSize: 8, inputShape: [4] });
    const m = sequential({ layers: [bn] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await m.trainOnBatch(randn([16, 4], 1, 2, 3), randn([16, 4], 2));
    const x = randn([16, 4], 3);
    const all = m.predict(x) as Tensor;
    const three = m.predict(new Tensor(x.data.slice(0, 12), [3, 4])) as Tensor;
    expect(values(three)).toEqual(Array.from(all.data.subarray(0, 12)));
  });

  it('records the whole batch statistics, merged exactly from the ghost batches', () => {
    const bn = layers.batchNormalization({ virtualBatchSize: 4 });
    bn.recordBatchStatistics = true;
    const x = randn([10, 3], 5, 1, 2);
    bn.apply(x, { training: true });
    const ref = moments(x.data, 3, 0, 10);
    expectClose(bn.lastBatchStatistics!.mean, ref.mean, F32, 'full-batch mean');
    expectClose(bn.lastBatchStatistics!.variance, ref.variance, F32, 'full-batch variance');
    expect(bn.lastBatchStatistics!.count).toBe(10);
  });
});

describe('batch renormalization (renorm)', () => {
  const clip = { rmin: 1 / 1.5, rmax: 1.5, dmax: 0.5 };

  /** A renorm layer with renorm averages away from the batch so that clipping is active on some features. */
  function renormLayer(c: number, x: Tensor, options: { clip?: typeof clip } = {}) {
    const bn = layers.batchNormalization({ renorm: true, renormClipping: options.clip ?? clip, renormMomentum: 0.7, momentum: 0.9 });
    bn.apply(x);
    const p = setParams(bn, c, 40);
    bn.renormState!.mean.data.set(randn([c], 41, 0, 0.6).data);
    bn.renormState!.stddev.data.set(randn([c], 42, 0, 0.5).data.map((v) => 0.6 + Math.abs(v)));
    return { bn, p };
  }

  it('forward, r and d, the moving statistics and the renorm averages match the float64 reference', () => {
    const x = randn([16, 5], 50, 0.3, 1.7);
    const { bn, p } = renormLayer(5, x);
    const mu = Float64Array.from(bn.renormState!.mean.data);
    const sigma = Float64Array.from(bn.renormState!.stddev.data);
    const moving = { mean: Float64Array.from(bn.movingMean.value.data), variance: Float64Array.from(bn.movingVariance.value.data) };
    const y = bn.apply(x, { training: true });
    const ref = renormRef(x.data, 5, { ...p, epsilon: bn.epsilon, mu, sigma, clip });
    expectClose(y.data, ref.y, F32, 'renorm forward');
    // The clipping is exercised: some r and d sit at their bounds, others inside.
    expect(ref.r.some((r) => r === clip.rmax || r === clip.rmin) && ref.r.some((r) => r > clip.rmin && r < clip.rmax)).toBe(true);
    expect(ref.d.some((d) => Math.abs(d) === clip.dmax)).toBe(true);
    expectClose(bn.renormState!.mean.data, mu.map((v, j) => 0.7 * v + 0.3 * ref.mean[j]), F32, 'renorm mean');
    expectClose(bn.renormState!.stddev.data, sigma.map((v, j) => 0.7 * v + 0.3 * Math.sqrt(ref.variance[j] + bn.epsilon)), F32, 'renorm stddev');
    expectClose(bn.movingMean.value.data, moving.mean.map((v, j) => 0.9 * v + 0.1 * ref.mean[j]), F32, 'moving mean (momentum)');
    expectClose(bn.movingVariance.value.data, moving.variance.map((v, j) => 0.9 * v + 0.1 * ref.variance[j]), F32, 'moving variance (momentum)');
  });

  it('backward matches finite differences with r and d held constant (stop-gradient)', () => {
    const x = randn([12, 4], 51, 0, 1.3);
    const { bn } = renormLayer(4, x);
    const mu = Float64Array.from(bn.renormState!.mean.data);
    const sigma = Float64Array.from(bn.renormState!.stddev.data);
    const base = { epsilon: bn.epsilon, mu, sigma, clip };
    const frozen = renormRef(x.data, 4, { gamma: bn.gamma!.value.data, beta: bn.beta!.value.data, ...base });
    const g = gradients(bn, x, randn([12, 4], 52), (v, gamma, beta) => renormRef(v, 4, { gamma, beta, ...base }, frozen).y);
    for (const [k, { ours, fd }] of Object.entries(g)) expectClose(ours, fd, GRAD, `renorm ${k}`);
  });

  it('with r and d clipped on every feature, backward is the true gradient of the forward', () => {
    const x = randn([10, 3], 53, 0, 1);
    // sigma tiny and mu far: every r at rmax and every d at +-dmax, so r and d are locally constant.
    const { bn } = renormLayer(3, x, { clip: { rmin: 0.9, rmax: 1.2, dmax: 0.25 } });
    bn.renormState!.stddev.data.fill(0.05);
    bn.renormState!.mean.data.fill(-5);
    const base = { epsilon: bn.epsilon, mu: Float64Array.from(bn.renormState!.mean.data), sigma: Float64Array.from(bn.renormState!.stddev.data), clip: { rmin: 0.9, rmax: 1.2, dmax: 0.25 } };
    const g = gradients(bn, x, randn([10, 3], 54), (v, gamma, beta) => renormRef(v, 3, { gamma, beta, ...base }).y);
    for (const [k, { ours, fd }] of Object.entries(g)) expectClose(ours, fd, GRAD, `saturated renorm ${k}`);
  });

  it('with rmax 1 and dmax 0 it is plain batch norm, forward and backward', () => {
    const x = randn([8, 3], 55, 1, 2);
    const plain = layers.batchNormalization({});
    const renorm = layers.batchNormalization({ renorm: true, renormClipping: { rmin: 1, rmax: 1, dmax: 0 } });
    plain.apply(x);
    renorm.apply(x);
    const a = plain.forward([x], { training: true });
    const b = renorm.forward([x], { training: true });
    expectClose(b.output.data, a.output.data, { atol: 1e-6 }, 'forward');
    const w = randn([8, 3], 56);
    const ga = plain.backward(w, a.cache, { weightGrads: true, inputGrads: true });
    const gb = renorm.backward(w, b.cache, { weightGrads: true, inputGrads: true });
    expectClose(gb.dInputs[0]!.data, ga.dInputs[0]!.data, { atol: 1e-6 }, 'dx');
    ga.grads.forEach(([, t], i) => expectClose(gb.grads[i][1].data, t.data, { atol: 1e-6 }, `d${ga.grads[i][0].name}`));
  });

  it('keeps its averages through save/load; TensorFlow.js loads the file and predicts the same', async () => {
    const bn = layers.batchNormalization({ renorm: true, renormClipping: { rmax: 3, dmax: 5 }, inputShape: [3] });
    const m = sequential({ layers: [bn] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await m.trainOnBatch(randn([8, 3], 1, 2, 2), randn([8, 3], 2));
    let artifacts: ModelArtifacts | null = null;
    await m.save({ save: (a: ModelArtifacts) => void (artifacts = a) });
    const back = (await loadLayersModel(artifacts!)).layers[0] as BatchNormalization;
    expect(back.renormClipping).toEqual({ rmin: 0, rmax: 3, dmax: 5 });
    expect(values(back.renormState!.mean)).toEqual(values(bn.renormState!.mean));
    expect(values(back.renormState!.stddev)).toEqual(values(bn.renormState!.stddev));
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts! as tf.io.ModelArtifacts));
    const x = randn([4, 3], 3);
    expectClose((theirs.predict(toTf(x)) as tf.Tensor).dataSync(), (m.predict(x) as Tensor).data, { atol: 1e-6 }, 'tfjs predict');
  });

  it('a batch undone for a NaN loss leaves the renorm averages as they were', async () => {
    const bn = layers.batchNormalization({ renorm: true, inputShape: [2] });
    const m: LayersModel = sequential({ layers: [bn, layers.dense({ units: 1 })] });
    m.compile({ optimizer: train.sgd(0.1), loss: 'meanSquaredError' });
    await m.trainOnBatch(randn([8, 2], 1), randn([8, 1], 2));
    const saved = [values(bn.renormState!.mean), values(bn.renormState!.stddev)];
    // Finite data, but a head whose products pass float32's range: a non-finite loss, so the batch is undone.
    m.layers[1].weights[0].value.data.fill(3e38);
    expect(Number.isFinite((await m.trainOnBatch(randn([8, 2], 3), randn([8, 1], 4))) as number)).toBe(false);
    expect([values(bn.renormState!.mean), values(bn.renormState!.stddev)]).toEqual(saved);
  });

  it('refuses bad options with messages naming them', () => {
    const make = (a: object) => () => layers.batchNormalization({ name: 'bad_rn', ...a });
    expect(make({ renorm: true, virtualBatchSize: 4 })).toThrow("BatchNormalization 'bad_rn': virtualBatchSize must be null with renorm (the two are not supported together), received 4.");
    expect(make({ renormClipping: { rmax: -1 } })).toThrow("BatchNormalization 'bad_rn': renormClipping.rmax must be a number >= 0, received -1.");
    expect(make({ renormClipping: { rmin: 2, rmax: 1 } })).toThrow('renormClipping.rmin must be <= rmax, received rmin 2 and rmax 1.');
    expect(make({ renormClipping: { r: 1 } })).toThrow(/renormClipping must be an object with keys among rmin, rmax, dmax/);
    expect(make({ virtualBatchSize: 0 })).toThrow(InvalidArgumentError);
    expect(make({ renormMomentum: 1.5 })).toThrow(/renormMomentum must be in \[0, 1\], received 1.5/);
  });
});

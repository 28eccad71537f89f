import { layers, model, sequential, type Layer, type LayersModel } from '@batchwise/layers';
import { afterAll, describe, expect, it } from 'vitest';
import type { ToOnnxOptions } from '../src/index.js';
import { EXPORT_ATOL, exportDiff, randn, randomizeWeights } from './helpers.js';

/*
 * Every exportable layer type, alone or in the smallest model that reaches
 * its code path, exported and run in onnxruntime against model.predict on
 * random inputs. The worst difference per layer type is printed at the end.
 */

const worst = new Map<string, number>();

async function check(kind: string, m: LayersModel, inputShapes: number[][], seed = 1, options: ToOnnxOptions = {}): Promise<void> {
  randomizeWeights(m, seed);
  const inputs = inputShapes.map((s, i) => randn(s, seed * 100 + i));
  const diff = await exportDiff(m, inputs, options);
  worst.set(kind, Math.max(worst.get(kind) ?? 0, diff));
  expect(diff, kind).toBeLessThanOrEqual(EXPORT_ATOL);
}

const stack = (inputShape: number[], ...ls: Layer[]) => sequential({ layers: [layers.inputLayer({ shape: inputShape }), ...ls] });

afterAll(() => {
  console.log(`max |batchwise - onnxruntime| per layer type:\n${[...worst].map(([k, v]) => `  ${k.padEnd(20)} ${v.toExponential(2)}`).join('\n')}`);
});

describe('toOnnx: every layer type agrees with onnxruntime', () => {
  it.each(['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const)('Dense with %s', async (activation) => {
    await check('Dense', stack([12], layers.dense({ units: 7, activation })), [[5, 12]]);
    await check('Activation (fused)', stack([12], layers.dense({ units: 7, activation, useBias: false })), [[5, 12]]);
  });

  it('Dense on a rank-3 input (MatMul over the last axis)', async () => {
    await check('Dense', stack([3, 6], layers.dense({ units: 4, activation: 'softmax' })), [[2, 3, 6]]);
    await check('Dense', stack([3, 6], layers.dense({ units: 4, useBias: false })), [[2, 3, 6]]);
  });

  const convCases = [
    { kernelSize: 3, padding: 'same' },
    { kernelSize: 3, padding: 'valid' },
    { kernelSize: [3, 2], strides: 2, padding: 'same' },
    { kernelSize: 3, strides: [1, 2], padding: 'valid' },
    { kernelSize: 3, dilationRate: 2, padding: 'same' },
    { kernelSize: [2, 3], dilationRate: [2, 1], strides: [2, 2], padding: 'valid' },
    { kernelSize: 4, strides: 3, padding: 'same', useBias: false },
    { kernelSize: 1, padding: 'valid', activation: 'relu' },
  ] as const;
  it.each(convCases)('Conv2D %j on odd sizes', async (args) => {
    await check('Conv2D', stack([9, 7, 3], layers.conv2d({ filters: 5, ...args })), [[2, 9, 7, 3]]);
  });

  it('Conv2D with fused softmax (over channels, axis 1 in NCHW)', async () => {
    await check('Activation (fused)', stack([6, 6, 2], layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'softmax' })), [[2, 6, 6, 2]]);
  });

  it('BatchNormalization after a conv, on features, on an NHWC input, without scale or center, and on a middle axis', async () => {
    // After a conv or dense: folded (the default), and as a node on the conv's NCHW output.
    for (const options of [{}, { foldBatchNorm: false }]) {
      await check('BatchNormalization', stack([8, 8, 3], layers.conv2d({ filters: 4, kernelSize: 3, useBias: false }), layers.batchNormalization()), [[3, 8, 8, 3]], 1, options);
      await check('BatchNormalization', stack([10], layers.dense({ units: 6, useBias: false }), layers.batchNormalization({ epsilon: 1e-5 })), [[4, 10]], 1, options);
    }
    await check('BatchNormalization', stack([5, 4, 3], layers.batchNormalization({ scale: false, center: false })), [[2, 5, 4, 3]]);
    await check('BatchNormalization', stack([5, 4, 3], layers.batchNormalization({ axis: 1 })), [[2, 5, 4, 3]]);
    await check('BatchNormalization', stack([7, 3], layers.batchNormalization({ axis: -2 })), [[2, 7, 3]]);
  });

  it.each(['relu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const)('Activation %s on NCHW and plain values', async (activation) => {
    await check('Activation', stack([6, 5, 3], layers.conv2d({ filters: 4, kernelSize: 3 }), layers.activation({ activation })), [[2, 6, 5, 3]]);
    await check('Activation', stack([6, 5, 3], layers.activation({ activation })), [[2, 6, 5, 3]]);
  });

  it.each([
    { poolSize: 2 },
    { poolSize: 3, strides: 2, padding: 'same' },
    { poolSize: [3, 2], strides: [1, 2], padding: 'valid' },
    { poolSize: 2, padding: 'same' },
  ] as const)('MaxPooling2D %j on odd sizes', async (args) => {
    await check('MaxPooling2D', stack([9, 7, 3], layers.conv2d({ filters: 4, kernelSize: 1 }), layers.maxPooling2d(args)), [[2, 9, 7, 3]]);
    await check('MaxPooling2D', stack([9, 7, 3], layers.maxPooling2d(args)), [[2, 9, 7, 3]]);
  });

  it("Flatten after a conv keeps Keras' NHWC order (a Dense reads the rows it was trained on)", async () => {
    await check('Flatten', stack([5, 4, 3], layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same' }), layers.flatten(), layers.dense({ units: 3 })), [[2, 5, 4, 3]]);
    await check('Flatten', stack([5, 4, 3], layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same' }), layers.flatten()), [[2, 5, 4, 3]]);
  });

  it('Dropout is the identity', async () => {
    await check('Dropout', stack([6, 6, 2], layers.conv2d({ filters: 3, kernelSize: 3 }), layers.dropout({ rate: 0.5 })), [[2, 6, 6, 2]]);
    await check('Dropout', stack([6], layers.dropout({ rate: 0.3 }), layers.dense({ units: 2 })), [[3, 6]]);
  });

  it('Normalization (adapted)', async () => {
    const norm = layers.normalization();
    const m = stack([5], norm, layers.dense({ units: 2 }));
    randomizeWeights(m, 4);
    norm.adapt(randn([50, 5], 9, 3));
    const diff = await exportDiff(m, [randn([6, 5], 10, 3)]);
    worst.set('Normalization', diff);
    expect(diff).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('Add and Concatenate of NCHW branches, of a branch and an input, and of features', async () => {
    const x = layers.input({ shape: [8, 8, 3] });
    const a = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(x);
    const an = layers.activation({ activation: 'relu' }).apply(layers.batchNormalization().apply(a));
    const b = layers.conv2d({ filters: 4, kernelSize: 1 }).apply(x);
    const sum = layers.add().apply([an, b, a]);
    const joined = layers.concatenate().apply([sum, x]);
    const pooled = layers.maxPooling2d().apply(joined);
    const flat = layers.flatten().apply(pooled);
    const h1 = layers.dense({ units: 5, activation: 'relu' }).apply(flat);
    const h2 = layers.dense({ units: 3 }).apply(flat);
    const head = layers.concatenate({ axis: 1 }).apply([h1, h2]);
    const out = layers.dense({ units: 4, activation: 'softmax' }).apply(head);
    const m = model({ inputs: x, outputs: [out, sum] });
    await check('Add', m, [[3, 8, 8, 3]]);
    await check('Concatenate', m, [[3, 8, 8, 3]], 2);
  });

  it('Concatenate along height of NCHW values', async () => {
    const x = layers.input({ shape: [4, 5, 2] });
    const a = layers.conv2d({ filters: 3, kernelSize: 1 }).apply(x);
    const b = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
    await check('Concatenate', model({ inputs: x, outputs: layers.concatenate({ axis: 1 }).apply([a, b]) }), [[2, 4, 5, 2]]);
  });
});

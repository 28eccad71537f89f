import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { InvalidArgumentError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadPytorchStateDict, sequential, translators, type BatchNormalization, type Layer, type LayersModel } from '../src/index.js';
import { expectClose, maxAbsDiff, randn } from './helpers.js';

/*
 * PyTorch state_dicts of the CLI presets' architectures (mlp, mlp-bn, cnn,
 * cnn-bn at reduced widths, see fixtures/pytorch/make-fixtures.py) load and
 * predict what PyTorch predicted; translations round-trip.
 */

const FIXTURES = new URL('./fixtures/pytorch/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const npy = (name: string) => translators.readNpy(read(name));
/** Same inputs and weights, float32 on both sides: ~1e-7 observed; 1e-5 leaves margin. */
const SAME = 1e-5;

/** The presets' stacks (apps/cli/src/presets/index.ts) with the fixture's widths. */
const W = { h1: 16, h2: 8, c1: 4, c2: 8, hd: 16 };
const dense = (units: number, activation: 'relu' | 'softmax' | 'linear', useBias = true) => layers.dense({ units, activation, useBias });
const conv = (filters: number, activation: 'relu' | 'linear', useBias: boolean) => layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation, useBias });
const relu = () => layers.activation({ activation: 'relu' });
const pool = () => layers.maxPooling2d({ poolSize: 2 });
const STACKS: Record<string, () => Layer[]> = {
  mlp: () => [layers.flatten(), dense(W.h1, 'relu'), dense(W.h2, 'relu'), dense(10, 'softmax')],
  'mlp-bn': () => [layers.flatten(), dense(W.h1, 'linear', false), layers.batchNormalization(), relu(), dense(W.h2, 'linear', false), layers.batchNormalization(), relu(), dense(10, 'softmax')],
  cnn: () => [conv(W.c1, 'relu', true), pool(), conv(W.c2, 'relu', true), pool(), layers.flatten(), dense(W.hd, 'relu'), layers.dropout({ rate: 0.3 }), dense(10, 'softmax')],
  'cnn-bn': () => [
    conv(W.c1, 'linear', false), layers.batchNormalization(), relu(), pool(),
    conv(W.c2, 'linear', false), layers.batchNormalization(), relu(), pool(),
    layers.flatten(), dense(W.hd, 'linear', false), layers.batchNormalization(), relu(), layers.dropout({ rate: 0.3 }), dense(10, 'softmax'),
  ],
};
const build = (name: string): LayersModel => sequential({ layers: [layers.inputLayer({ shape: [28, 28, 1] }), ...STACKS[name]()] });
const inputs = () => {
  const t = npy('inputs.npy');
  return new Tensor(t.values as Float32Array, t.shape);
};
const bns = (m: LayersModel) => m.layers.filter((l) => l.className === 'BatchNormalization') as BatchNormalization[];

describe('a PyTorch state_dict (.npz) of each preset architecture predicts what PyTorch predicted', () => {
  it.each(Object.keys(STACKS))('%s', (name) => {
    const m = build(name);
    const lines: string[] = [];
    loadPytorchStateDict(m, read(`${name}.npz`), { log: (l) => lines.push(l) });
    const expected = npy(`${name}.expected.npy`);
    const d = maxAbsDiff((m.predict(inputs()) as Tensor).data, expected.values);
    console.log(`MEASURED ${name} predict vs PyTorch: max |diff| ${d.toExponential(2)}`);
    expect(d).toBeLessThan(SAME);
    // Logged: every parameter, and the conventions.
    expect(lines[0]).toMatch(/^pytorch -> batchwise: .*momentum 0\.1 -> 0\.9, epsilon 0\.00001, running variance as-is/);
    expect(lines.filter((l) => l.startsWith('  ') && l.includes(' -> '))).toHaveLength(translators.readNpz(read(`${name}.npz`)).size - bns(m).length);
    for (const bn of bns(m)) {
      expect([bn.momentum, bn.epsilon, bn.movingUpdates]).toEqual([0.9, 1e-5, 6]);
    }
    if (name.startsWith('cnn')) expect(lines.some((l) => /rows reordered from the \(C,H,W\) flatten of \[7,7,8\] to \(H,W,C\)/.test(l))).toBe(true);
  });

  it('each translation matters: the flatten order, the epsilon', () => {
    const m = build('cnn-bn');
    loadPytorchStateDict(m, read('cnn-bn.npz'), { log: () => undefined });
    const expected = npy('cnn-bn.expected.npy').values;
    const dense = m.layers.find((l) => l.className === 'Dense')! as never as { kernel: { value: Tensor } };
    const kernel = dense.kernel.value.data.slice();
    // Undo the row reordering: the (H,W,C) flatten now reads PyTorch's (C,H,W) rows.
    const back = translators.exportStateDict(m, { moduleNames: ['0', '1', '4', '5', '9', '10', '13'] }).get('9.weight')!;
    dense.kernel.value.data.set(Float32Array.from({ length: kernel.length }, (_, k) => back.values[(k % W.hd) * 392 + Math.floor(k / W.hd)]));
    expect(maxAbsDiff((m.predict(inputs()) as Tensor).data, expected)).toBeGreaterThan(1e-2);
    dense.kernel.value.data.set(kernel);
    for (const bn of bns(m)) bn.epsilon = 1e-3;
    // Keras' 1e-3 instead of PyTorch's 1e-5: outside the agreement this file asserts.
    expect(maxAbsDiff((m.predict(inputs()) as Tensor).data, expected)).toBeGreaterThan(SAME);
  });
});

describe('translations round-trip', () => {
  async function trained(name: string): Promise<LayersModel> {
    const m = build(name);
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const y = new Tensor(Float32Array.from({ length: 40 }, (_, i) => (i % 10 === (i >> 2) % 10 ? 1 : 0)), [4, 10]);
    for (let s = 0; s < 3; s++) await m.trainOnBatch(randn([4, 28, 28, 1], s, 0.5, 1), y);
    return m;
  }

  it.each(['pytorch', 'onnx'] as const)('%s: export, .npz, load into a fresh model: the same weights, bit for bit', async (convention) => {
    const a = await trained('cnn-bn');
    const bytes = translators.writeNpz(translators.exportStateDict(a, { convention }));
    const b = build('cnn-bn');
    translators.loadStateDict(b, translators.readNpz(bytes), { convention, momentum: translators.momentumFromOurs(convention, 0.99), epsilon: 1e-3, log: () => undefined });
    b.getWeights().forEach((w, i) => expect(Array.from(w.data), a.weights[i].fullName).toEqual(Array.from(a.getWeights()[i].data)));
    for (const bn of bns(b)) {
      expect([bn.momentum, bn.epsilon]).toEqual([0.99, 1e-3]);
      expect(bn.movingUpdates).toBe(convention === 'pytorch' ? 3 : 0);
    }
  });

  it('unbiased <-> biased variance with the batch size: N = batch x positions, back within float32 rounding', async () => {
    const a = await trained('cnn-bn');
    const dict = translators.exportStateDict(a, { variance: 'unbiased', batchSize: 4 });
    const first = bns(a)[0];
    // The first BN follows a 28x28 conv: N = 4 x 784, so running_var = moving x 3136/3135.
    expectClose(dict.get(`${first.name}.running_var`)!.values, Array.from(first.movingVariance.value.data, (v) => (v * 3136) / 3135), { atol: 0, rtol: 1e-7 }, 'unbiased');
    const b = build('cnn-bn');
    const lines = translators.loadStateDict(b, dict, { variance: 'biased', batchSize: 4, log: () => undefined });
    expect(lines.some((l) => /x \(N-1\)\/N = 0\.999681, N = 4 samples x 784 positions/.test(l))).toBe(true);
    bns(b).forEach((bn, i) => expectClose(bn.movingVariance.value.data, bns(a)[i].movingVariance.value.data, { atol: 0, rtol: 2.4e-7 }, `variance ${i}`));
  });

  it('momentum: PyTorch m is our 1 - m, None is our null (cumulative); ONNX is ours', () => {
    expect(translators.momentumToOurs('pytorch', 0.1)).toBeCloseTo(0.9, 15);
    expect(translators.momentumFromOurs('pytorch', 0.99)).toBeCloseTo(0.01, 15);
    expect(translators.momentumToOurs('pytorch', null)).toBeNull();
    expect(translators.momentumToOurs('onnx', 0.9)).toBe(0.9);
    const m = build('mlp-bn');
    loadPytorchStateDict(m, read('mlp-bn.npz'), { momentum: null, log: () => undefined });
    expect(bns(m).map((b) => b.momentum)).toEqual([null, null]);
  });
});

describe('bad state dicts and options are refused, naming what is wrong, and leave the model untouched', () => {
  it('another architecture: the module lists are printed side by side', () => {
    const m = build('cnn');
    const before = m.getWeights().map((w) => Array.from(w.data));
    expect(() => loadPytorchStateDict(m, read('cnn-bn.npz'), { log: () => undefined })).toThrow(
      /loadStateDict: the state dict must have one module per layer with weights \(4\), received 7; state dict modules: 0 \(conv\), 1 \(batchnorm\)/,
    );
    const fourDense = sequential({ layers: [layers.inputLayer({ shape: [28, 28, 1] }), layers.flatten(), dense(16, 'relu'), dense(8, 'relu'), dense(8, 'relu'), dense(10, 'softmax')] });
    expect(() => loadPytorchStateDict(fourDense, read('cnn.npz'), { log: () => undefined })).toThrow(/module 0 '0' must be a linear for layer '.*', received a conv/);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(before);
  });

  it('a wrong width: the key and both shapes', () => {
    const m = sequential({ layers: [layers.inputLayer({ shape: [28, 28, 1] }), layers.flatten(), dense(17, 'relu'), dense(8, 'relu'), dense(10, 'softmax')] });
    expect(() => loadPytorchStateDict(m, read('mlp.npz'), { log: () => undefined })).toThrow(/'1.weight' must have shape \[784,17\] in batchwise's layout for '.*\/kernel', received \[16,784\] \(-> \[784,16\]\)/);
  });

  it('a bias where the layer has none', () => {
    const m = sequential({ layers: [layers.inputLayer({ shape: [28, 28, 1] }), layers.flatten(), dense(16, 'relu', false), dense(8, 'relu'), dense(10, 'softmax')] });
    expect(() => loadPytorchStateDict(m, read('mlp.npz'), { log: () => undefined })).toThrow(/'1.bias' must be absent: layer '.*' has no bias/);
  });

  it('bytes that are not an .npz, an entry that is not .npy, a file past maxBytes', () => {
    const m = build('mlp');
    expect(() => loadPytorchStateDict(m, new Uint8Array([1, 2, 3]), { log: () => undefined })).toThrow(/readNpz: bytes must be an \.npz \(zip\) file/);
    expect(() => translators.readNpz(zipSync({ 'notes.txt': new Uint8Array([65]) }))).toThrow("readNpz: every entry must be a .npy array, received 'notes.txt'.");
    expect(() => translators.readNpz(read('mlp.npz'), { maxBytes: 1000 })).toThrow(/inflate past 1000 bytes/);
    expect(() => translators.readNpz(zipSync({ 'x.npy': new Uint8Array(40) }))).toThrow(/entry 'x.npy': must be a .npy array/);
  });

  it('options', () => {
    const m = build('mlp-bn');
    const bytes = read('mlp-bn.npz');
    expect(() => loadPytorchStateDict(m, bytes, { variance: 'biased', log: () => undefined })).toThrow(/batchSize must be given with variance 'biased'/);
    expect(() => loadPytorchStateDict(m, bytes, { momentum: 2, log: () => undefined })).toThrow('loadStateDict: momentum must be in [0, 1] or null, received 2.');
    expect(() => loadPytorchStateDict(m, bytes, { format: 'pt' as never })).toThrow(InvalidArgumentError);
    expect(() => translators.loadStateDict(m, new Map(), { convention: 'tf' as never })).toThrow(/convention must be one of 'pytorch', 'onnx'/);
  });
});

import { InvalidArgumentError, Tensor, type Tensor as T } from '@batchwise/core';
import { Layer, layers, model, sequential, type CallContext, type ForwardResult, type SymbolicShape } from '@batchwise/layers';
import { decodeModel } from '@batchwise/onnx-codec';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_OPSET, EXPORTABLE_LAYERS, saveOnnx, toOnnx, toOnnxGraph } from '../src/index.js';
import { EXPORT_ATOL, exportDiff, randn, randomizeWeights, runOnnx } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'batchwise-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** conv - BN - relu - pool - conv - BN - relu - flatten - dense - BN - relu - dense softmax: the shape of the CLI's cnn-bn preset. */
function cnnBn() {
  const m = sequential({
    layers: [
      layers.inputLayer({ shape: [12, 12, 1] }),
      layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false }), layers.batchNormalization(), layers.activation({ activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }), layers.batchNormalization(), layers.activation({ activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: 16, useBias: false }), layers.batchNormalization(), layers.activation({ activation: 'relu' }),
      layers.dropout({ rate: 0.3 }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  randomizeWeights(m, 7);
  return m;
}

const opTypes = (bytes: Uint8Array) => decodeModel(bytes).nodes.map((n) => n.opType);

describe('toOnnx', () => {
  it('writes opset 17 with NHWC inputs and outputs named after the model, batch symbolic', async () => {
    const m = cnnBn();
    const decoded = decodeModel(toOnnx(m));
    expect(decoded.opset).toBe(EXPORT_OPSET);
    expect(EXPORT_OPSET).toBe(17);
    expect(decoded.inputs).toEqual([{ name: m.inputs[0].sourceLayer.name, elemType: 1, shape: ['batch', 12, 12, 1] }]);
    expect(decoded.outputs).toEqual([{ name: m.outputs[0].sourceLayer.name, elemType: 1, shape: ['batch', 10] }]);
    // Conv -> BN -> Relu -> MaxPool -> Conv -> BN -> Relu run in NCHW: one transpose in, one back before Flatten.
    expect(opTypes(toOnnx(m)).filter((t) => t === 'Transpose')).toHaveLength(2);
    for (const batch of [1, 5]) expect(await exportDiff(m, [randn([batch, 12, 12, 1], batch)])).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('folds BatchNormalization into the Conv2D or Dense before it by default, and keeps the nodes on request', async () => {
    const m = cnnBn();
    expect(opTypes(toOnnx(m))).not.toContain('BatchNormalization');
    expect(opTypes(toOnnx(m, { foldBatchNorm: false })).filter((t) => t === 'BatchNormalization')).toHaveLength(3);
    // The folded weights are those of @batchwise/layers' foldBatchNorm, under the original names.
    const folded = m.foldBatchNorm().model;
    const graph = toOnnxGraph(m);
    const conv = graph.initializers!.find((t) => t.name === `${m.layers[0].name}/kernel`)!;
    const expected = folded.getLayer(m.layers[0].name).weights[0].value.data;
    const [kh, kw, cin, cout] = folded.getLayer(m.layers[0].name).weights[0].shape;
    // OIHW [o, i, y, x] against HWIO [y, x, i, o].
    expect((conv.data as Float32Array)[((5 * cin + 0) * kh + 1) * kw + 2]).toBe(expected[((1 * kw + 2) * cin + 0) * cout + 5]);
    const x = randn([4, 12, 12, 1], 3);
    // Folding rounds the scaled weights to float32 once more: the same 1e-5 holds here.
    expect(await exportDiff(m, [x])).toBeLessThanOrEqual(EXPORT_ATOL);
    expect(await exportDiff(m, [x], { foldBatchNorm: false })).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('keeps a BatchNormalization node where folding would change another reader', async () => {
    const x = layers.input({ shape: [6] });
    const z = layers.dense({ units: 4 }).apply(x);
    const y = layers.add().apply([layers.batchNormalization().apply(z), z]);
    const relu = layers.dense({ units: 4, activation: 'relu' }).apply(x);
    const m = model({ inputs: x, outputs: [y, layers.batchNormalization().apply(relu)] });
    randomizeWeights(m, 5);
    expect(opTypes(toOnnx(m)).filter((t) => t === 'BatchNormalization')).toHaveLength(2);
    expect(await exportDiff(m, [randn([3, 6], 1)])).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('exports a layer applied twice once, sharing its weights', async () => {
    const shared = layers.dense({ units: 5, activation: 'tanh' });
    const a = layers.input({ shape: [5], name: 'a' });
    const b = layers.input({ shape: [5], name: 'b' });
    const m = model({ inputs: [a, b], outputs: layers.add().apply([shared.apply(a), shared.apply(shared.apply(b))]) });
    randomizeWeights(m, 3);
    const graph = toOnnxGraph(m);
    expect(graph.initializers?.map((t) => t.name)).toEqual([`${shared.name}/kernel`, `${shared.name}/bias`]);
    expect(graph.inputs.map((i) => i.name)).toEqual(['a', 'b']);
    expect(await exportDiff(m, [randn([2, 5], 1), randn([2, 5], 2)])).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('names the layer it cannot export', () => {
    class Doubler extends Layer {
      readonly className = 'Doubler';
      constructor() {
        super('Doubler', { name: 'twice' });
      }
      computeOutputShape([s]: SymbolicShape[]) {
        return s;
      }
      forward([x]: T[], _ctx: CallContext): ForwardResult {
        return { output: new Tensor(x.data.map((v) => 2 * v), x.shape) };
      }
      backward() {
        return { dInputs: [], grads: [] };
      }
    }
    const m = sequential({ layers: [layers.inputLayer({ shape: [3] }), new Doubler()] });
    expect(() => toOnnx(m)).toThrow(InvalidArgumentError);
    expect(() => toOnnx(m)).toThrow(`toOnnx: layer 'twice' must be one of the exportable classes (${EXPORTABLE_LAYERS.join(', ')}), received class Doubler.`);
  });

  it('checks its arguments', () => {
    const m = cnnBn();
    expect(() => toOnnx({} as never)).toThrow('toOnnx: model must be a LayersModel (sequential() or model()), received Object.');
    expect(() => toOnnx(m, { foldBatchNorm: 'yes' as never })).toThrow("toOnnx: foldBatchNorm must be a boolean, received 'yes'.");
    expect(() => toOnnx(m, { fold: true } as never)).toThrow("toOnnx: options must only hold foldBatchNorm, received 'fold'.");
  });
});

describe('saveOnnx', () => {
  it('writes a file onnxruntime loads, creating the folder, and leaves no temporary file', async () => {
    const m = cnnBn();
    const path = join(dir, 'nested', 'cnn.onnx');
    const r = await saveOnnx(m, path);
    expect(r).toEqual({ path, bytes: readFileSync(path).byteLength });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['cnn.onnx']);
    const x = randn([2, 12, 12, 1], 4);
    const [out] = await runOnnx(readFileSync(path), [x]);
    const ours = m.predict(x) as T;
    expect(Math.max(...ours.data.map((v, i) => Math.abs(v - out.data[i])))).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('refuses a bad path and leaves an existing file alone when the export fails', async () => {
    await expect(saveOnnx(cnnBn(), '')).rejects.toThrow("saveOnnx: path must be a non-empty string, received ''.");
    const path = join(dir, 'keep.onnx');
    await saveOnnx(cnnBn(), path);
    const before = readFileSync(path);
    await expect(saveOnnx(cnnBn(), path, { foldBatchNorm: 1 as never })).rejects.toThrow(InvalidArgumentError);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(join(dir, 'keep.onnx'))).toBe(true);
  });

  it('cannot be redirected by a planted symbolic link, and /proc/self fails at once in one line (issue 11)', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    // The temporary names the first saveOnnx used for this process: .<name>.<pid>.<counter>.tmp
    for (let k = 0; k < 20; k++) symlinkSync(victim, join(dir, `.planted.onnx.${process.pid}.${k}.tmp`));
    await saveOnnx(cnnBn(), join(dir, 'planted.onnx'));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    // Node 20's recursive mkdir loops forever there.
    await expect(saveOnnx(cnnBn(), '/proc/self/sub/x.onnx')).rejects.toThrow(/^saveOnnx: cannot (write|create directory) \/proc\/self\/sub.*\((ENOENT|EACCES|EPERM)\)\.$/);
  });
});

import '@batchwise/backend-cpu';
import { Tensor, randomUniform, setBackend } from '@batchwise/core';
import { loadLayersModel, type LayersModel } from '@batchwise/layers';
import { toOnnx } from '@batchwise/onnx';
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, IMAGE_INPUT_SHAPE, PRESETS } from '../src/presets/index.js';
import { run, tempDir } from './helpers.js';

/*
 * The ONNX export of every preset after a few training steps (so the batch
 * norms' moving statistics are no longer their initial 0 and 1), run in
 * onnxruntime against predict on images in [0, 1], with and without folding;
 * and `batchwise export` end to end.
 */

/**
 * |ours - onnxruntime| allowed: both are float32 with different summation
 * orders; the outputs are softmax probabilities, so 1e-5 absolute is far
 * below any layout or padding mistake (which moves them by 0.01-1).
 */
const EXPORT_ATOL = 1e-5;

const { dir, cleanup } = tempDir('batchwise-export-');
afterAll(cleanup);
beforeAll(() => setBackend('cpu'));

async function onnxPredict(bytes: Uint8Array, x: Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) });
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Number.isNaN(a[i] - b[i]) ? Infinity : Math.abs(a[i] - b[i]));
  return worst;
}

/** Twenty steps of Adam on random images and labels (seeded), batch 16. */
async function trainBriefly(model: LayersModel, seed: number): Promise<void> {
  const n = 320;
  const x = randomUniform([n, ...IMAGE_INPUT_SHAPE], { seed });
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + ((i * 7 + seed) % 10)] = 1;
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(x, new Tensor(y, [n, 10]), { epochs: 1, batchSize: 16, seed, verbose: 0 });
}

const worst: string[] = [];
afterAll(() => console.log(`max |batchwise - onnxruntime| per preset:\n${worst.join('\n')}`));

describe('ONNX export of the presets', () => {
  it.each(PRESETS.map((p) => p.name))('%s, trained a few steps, matches onnxruntime (plain and folded)', async (name) => {
    const preset = PRESETS.find((p) => p.name === name)!;
    const model = buildModel(preset.layers(), IMAGE_INPUT_SHAPE, 3, preset.name);
    await trainBriefly(model, 5);
    const bns = model.layers.filter((l) => l.className === 'BatchNormalization');
    for (const bn of bns) {
      const mean = bn.weights.find((w) => w.name === 'moving_mean')!.value.data;
      expect(Math.max(...mean.map(Math.abs)), `${bn.name} moving mean moved`).toBeGreaterThan(1e-3);
    }
    const x = randomUniform([8, ...IMAGE_INPUT_SHAPE], { seed: 11 });
    const ours = (model.predict(x) as Tensor).data;
    const plain = maxDiff(ours, await onnxPredict(toOnnx(model, { foldBatchNorm: false }), x));
    const folded = maxDiff(ours, await onnxPredict(toOnnx(model), x));
    worst.push(`  ${name.padEnd(7)} ${plain.toExponential(2)} (folded ${folded.toExponential(2)}, ${bns.length} batch norms)`);
    expect(plain).toBeLessThanOrEqual(EXPORT_ATOL);
    expect(folded).toBeLessThanOrEqual(EXPORT_ATOL);
  });
});

describe('batchwise export', () => {
  const runDir = join(dir, 'run');
  beforeAll(async () => {
    const r = await run(['train', 'mlp-bn', '--dataset', 'mnist', '--limit', '200', '--epochs', '1', '--backend', 'cpu', '--out', runDir, '--json']);
    expect(r.code).toBe(0);
  });

  it('writes model.onnx beside the model by default, and onnxruntime agrees with predict', async () => {
    const r = await run(['export', runDir, '--format', 'onnx', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { out: string; bytes: number; opset: number; nodes: Record<string, number>; inputs: { shape: unknown[] }[] };
    expect(j.out).toBe(join(runDir, 'model.onnx'));
    expect(j.opset).toBe(17);
    // Folded into the dense layers before them by default.
    expect(j.nodes.BatchNormalization).toBeUndefined();
    expect(j.inputs[0].shape).toEqual(['batch', 28, 28, 1]);
    const bytes = readFileSync(j.out);
    expect(bytes.byteLength).toBe(j.bytes);
    const model = await loadLayersModel(runDir);
    const x = randomUniform([4, 28, 28, 1], { seed: 2 });
    expect(maxDiff((model.predict(x) as Tensor).data, await onnxPredict(bytes, x))).toBeLessThanOrEqual(EXPORT_ATOL);
  });

  it('keeps batch-norm nodes with --keep-batch-norm and prints a summary', async () => {
    const out = join(dir, 'out', 'kept.onnx');
    const r = await run(['export', join(runDir, 'model.json'), '--out', out, '--keep-batch-norm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(r.stdout).toContain('ONNX opset 17');
    expect(r.stdout).toContain('BatchNormalization 2');
    expect(existsSync(out)).toBe(true);
  });

  it('fails in one line for a missing model and with usage for an unknown format', async () => {
    const missing = await run(['export', join(dir, 'nothing'), '--out', join(dir, 'x.onnx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no such file');
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
    const format = await run(['export', runDir, '--format', 'tflite']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'tflite' is invalid");
  });
});

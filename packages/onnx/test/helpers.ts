import '@batchwise/backend-cpu';
import { randomNormal, randomUniform, setBackend, type Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import * as ort from 'onnxruntime-node';
import { toOnnx, type ToOnnxOptions } from '../src/index.js';

setBackend('cpu');

/**
 * Largest |ours - onnxruntime| allowed on an exported model's outputs. Both
 * compute in float32 with different summation orders: a dot product of K
 * terms of size ~1 differs by about sqrt(K) * 6e-8 (K = 3*3*32 = 288: 1e-6),
 * and the tests keep activations of order 1, so 1e-5 absolute leaves a
 * margin of about 10x while catching any layout or padding mistake (those
 * give errors of order 0.1-1).
 */
export const EXPORT_ATOL = 1e-5;

export const randn = (shape: number[], seed: number, stddev = 1): Tensor => randomNormal(shape, { seed, stddev });

/** Gives every weight of the model random values (seeded): biases, gamma and beta non-trivial, moving variances positive. */
export function randomizeWeights(model: LayersModel, seed: number): void {
  model.layers.forEach((layer, li) => {
    for (const [wi, w] of layer.weights.entries()) {
      const s = seed * 1000 + li * 10 + wi;
      const shape = [...w.shape];
      if (w.name === 'moving_variance' || w.name === 'variance') w.assign(randomUniform(shape, { minval: 0.25, maxval: 2, seed: s }), 'test');
      else if (w.name === 'gamma') w.assign(randomUniform(shape, { minval: 0.5, maxval: 1.5, seed: s }), 'test');
      else if (w.name !== 'kernel') w.assign(randn(shape, s, 0.5), 'test');
    }
  });
}

/** Runs exported bytes in onnxruntime on the given inputs (model input order); returns every output's data by position. */
export async function runOnnx(bytes: Uint8Array, inputs: Tensor[]): Promise<{ data: Float32Array; dims: readonly number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = Object.fromEntries(session.inputNames.map((n, i) => [n, new ort.Tensor('float32', inputs[i].data, inputs[i].shape)]));
    const out = await session.run(feeds);
    return session.outputNames.map((n) => ({ data: out[n].data as Float32Array, dims: out[n].dims }));
  } finally {
    await session.release();
  }
}

/** Exports the model, runs it in onnxruntime and returns the largest absolute difference from `model.predict` over all outputs. */
export async function exportDiff(model: LayersModel, inputs: Tensor[], options: ToOnnxOptions = {}): Promise<number> {
  const ours = model.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: 1024 });
  const oursList = Array.isArray(ours) ? ours : [ours];
  const theirs = await runOnnx(toOnnx(model, options), inputs);
  if (theirs.length !== oursList.length) throw new Error(`onnxruntime gave ${theirs.length} outputs, batchwise ${oursList.length}`);
  let worst = 0;
  oursList.forEach((o, k) => {
    const t = theirs[k];
    if (t.dims.join(',') !== o.shape.join(',')) throw new Error(`output ${k}: onnxruntime shape [${t.dims}], batchwise [${o.shape}]`);
    for (let i = 0; i < o.size; i++) {
      const d = Math.abs(o.data[i] - t.data[i]);
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    }
  });
  return worst;
}

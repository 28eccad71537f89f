import { Tensor, makeTensor, setBackend } from '@batchwise/core';
import * as ort from 'onnxruntime-node';
import { createSession } from '../contenders/onnx.js';
import { firstLine } from '../errors.js';
import type { Preparation } from '../types.js';
import type { ModelContender } from './contenders.js';
import { batchData } from './data.js';
import { buildModel, type LayersApi } from './definitions.js';
import { CLASSES, type ModelCase } from './specs.js';

/*
 * onnxruntime-node on the same models: each is built with @batchwise/layers,
 * trained one step on its training batch (so the batch norms' moving statistics are not their
 * initial 0 and 1), exported with @batchwise/onnx's toOnnx, and checked
 * against batchwise's own predict before it is timed. Inference only:
 * onnxruntime-node has no training.
 */

/** The part of @batchwise/onnx the bench uses (imported at run time, like @batchwise/layers). */
export interface OnnxExporter {
  toOnnx(model: unknown): Uint8Array;
}

/**
 * Largest |batchwise - onnxruntime| accepted on the softmax outputs before
 * timing: float32 on both sides with different summation orders (the
 * exporter's tests measure at most 1e-6); a wrong export is off by 0.01-1.
 */
export const MODEL_CHECK_ATOL = 1e-5;

export interface OnnxModelDeps {
  api?: LayersApi;
  exporter?: OnnxExporter;
  /** The batchwise backend that builds the model and computes the reference output. */
  backendName: string;
  reason?: string;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Number.isNaN(a[i] - b[i]) ? Infinity : Math.abs(a[i] - b[i]));
  return worst;
}

async function prepareOnnx(c: ModelCase, threads: number, api: LayersApi, exporter: OnnxExporter, backendName: string): Promise<Preparation> {
  setBackend(backendName);
  const model = buildModel(api, c.spec);
  // One step on the model's training batch (a batch of one has no batch statistics to learn from).
  const t = batchData({ spec: c.spec, batch: c.spec.trainBatch });
  await model.trainOnBatch(makeTensor(t.x, t.xShape), makeTensor(t.y, [c.spec.trainBatch, CLASSES]));
  const d = batchData(c);
  const x = makeTensor(d.x, d.xShape);
  const ours = model.predict(x, { batchSize: c.batch }) as Tensor;
  const session = await createSession(exporter.toOnnx(model), threads);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', d.x, d.xShape) };
  const first = await session.run(feeds);
  const diff = maxAbsDiff(ours.data, first[session.outputNames[0]].data as Float32Array);
  if (!(diff <= MODEL_CHECK_ATOL)) {
    await session.release();
    return { unavailable: `exported model differs from batchwise ${backendName} by ${diff} (> ${MODEL_CHECK_ATOL}): not timed` };
  }
  return { run: () => session.run(feeds), dispose: () => void session.release(), note: `exported by toOnnx; max |diff| vs batchwise ${diff.toExponential(1)}` };
}

export function onnxModelContender(threads: number, deps: OnnxModelDeps): ModelContender {
  return {
    id: `ort-${threads}t`,
    label: `ort ${threads}t`,
    maxRuns: Number.POSITIVE_INFINITY,
    async prepare(c) {
      if (c.mode === 'train') return { unavailable: 'onnxruntime-node runs inference only (no training)' };
      if (!deps.api || !deps.exporter) return { unavailable: deps.reason ?? '@batchwise/layers or @batchwise/onnx did not load' };
      try {
        return await prepareOnnx(c, threads, deps.api, deps.exporter, deps.backendName);
      } catch (e) {
        return { unavailable: `onnxruntime: ${firstLine(e)}` };
      }
    },
  };
}

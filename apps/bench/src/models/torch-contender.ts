import { makeTensor, setBackend, type Tensor } from '@batchwise/core';
import { firstLine } from '../errors.js';
import type { NamedArrays } from '../torch/data-file.js';
import type { TorchPool } from '../torch/pool.js';
import type { Preparation } from '../types.js';
import type { ModelContender } from './contenders.js';
import { batchData } from './data.js';
import { buildModel, type LayersApi } from './definitions.js';
import { CLASSES, type ModelCase, type ModelSpec } from './specs.js';
import { weightArrays, type WeightedModel } from './weights.js';

/*
 * PyTorch on CPU (python/torch_child.py) on the same models. Before a case is
 * timed, the child proves it runs the same model as batchwise: from the same
 * starting weights, its predictions after one batchwise training step must
 * match batchwise's, and (SGD models) its own training step must give the
 * same loss and the same updated weights. A model that does not match is
 * reported, never timed. The child times itself (lead-in and timed call in
 * Python), so the pipe's latency is not counted.
 */

export type TorchLayout = 'channels-last' | 'nchw';

/**
 * Largest |difference| of softmax outputs on the same weights: float32 on both
 * sides, different summation orders (measured 5e-8 to 2e-6, the most for the
 * cnn-bn preset's three batch norms); a layout or flatten-order mistake is off
 * by 0.01 to 1.
 */
export const TORCH_PREDICT_ATOL = 1e-5;
/** Relative difference of the first step's loss: float32 sums over a batch (measured 0 to 4e-7). */
export const TORCH_LOSS_RTOL = 1e-5;
/** Largest |difference| of the weights after one SGD step (lr 0.01): float32 gradients differ in the last bits only (measured 1e-8 to 5e-8). */
export const TORCH_WEIGHT_ATOL = 1e-5;

export interface TorchCheck {
  predictDiff: number;
  lossDiff?: number;
  weightDiff?: number;
}

/** The checks a PyTorch model must pass before it is timed; undefined when it passes, else why not. */
export function checkFailure(c: TorchCheck): string | undefined {
  if (!(c.predictDiff <= TORCH_PREDICT_ATOL)) return `predictions differ from batchwise by ${c.predictDiff} (> ${TORCH_PREDICT_ATOL})`;
  if (c.lossDiff !== undefined && !(c.lossDiff <= TORCH_LOSS_RTOL)) return `the first step's loss differs from batchwise's by ${c.lossDiff} relative (> ${TORCH_LOSS_RTOL})`;
  if (c.weightDiff !== undefined && !(c.weightDiff <= TORCH_WEIGHT_ATOL)) return `weights after one step differ from batchwise's by ${c.weightDiff} (> ${TORCH_WEIGHT_ATOL})`;
  return undefined;
}

export interface TorchModelDeps {
  pool: TorchPool;
  api?: LayersApi;
  /** The batchwise backend that computes the reference. */
  backendName: string;
  reason?: string;
}

/**
 * batchwise's reference for a spec: starting weights, one training step's loss
 * and weights, and predictions after it, on the spec's training batch.
 */
export async function referenceArrays(api: LayersApi, spec: ModelSpec, backendName: string): Promise<NamedArrays> {
  setBackend(backendName);
  const model = buildModel(api, spec);
  const d = batchData({ spec, batch: spec.trainBatch });
  const x = makeTensor(d.x, d.xShape);
  const before = weightArrays(model as unknown as WeightedModel, 'before.');
  const loss = (await model.trainOnBatch(x, makeTensor(d.y, [spec.trainBatch, CLASSES]))) as number;
  const after = weightArrays(model as unknown as WeightedModel, 'after.');
  const predicted = model.predict(x, { batchSize: spec.trainBatch }) as Tensor;
  return {
    ...before,
    ...after,
    'before.loss': { data: Float32Array.of(loss), shape: [1] },
    'after.predict': { data: predicted.data.slice(), shape: [...predicted.shape] },
    checkX: { data: d.x, shape: d.xShape },
    checkY: { data: d.y, shape: [spec.trainBatch, CLASSES] },
  };
}

function describeCheck(c: TorchCheck): string {
  const parts = [`max |diff| vs batchwise: predict ${c.predictDiff.toExponential(1)}`];
  if (c.lossDiff !== undefined) parts.push(`first-step loss ${c.lossDiff.toExponential(1)} rel.`);
  if (c.weightDiff !== undefined) parts.push(`weights after it ${c.weightDiff.toExponential(1)}`);
  return parts.join(', ');
}

export function torchModelContender(threads: number, layout: TorchLayout, deps: TorchModelDeps): ModelContender {
  const references = new Map<string, Promise<NamedArrays>>();
  const suffix = layout === 'nchw' ? ' NCHW' : '';
  return {
    id: `torch-${threads}t${layout === 'nchw' ? '-nchw' : ''}`,
    label: `PyTorch ${threads}t${suffix}`,
    maxRuns: Number.POSITIVE_INFINITY,
    async prepare(c: ModelCase): Promise<Preparation> {
      const started = await deps.pool.get(threads);
      if ('unavailable' in started) return started;
      if (layout === 'nchw' && c.spec.inputShape.length !== 3) return { unavailable: 'no convolutions: the same as channels-last' };
      if (!deps.api) return { unavailable: deps.reason ?? '@batchwise/layers did not load' };
      const { child } = started;
      try {
        const api = deps.api;
        let ref = references.get(c.spec.id);
        if (!ref) references.set(c.spec.id, (ref = referenceArrays(api, c.spec, deps.backendName)));
        const d = batchData(c);
        const arrays: NamedArrays = { ...(await ref), x: { data: d.x, shape: d.xShape }, y: { data: d.y, shape: [c.batch, CLASSES] } };
        const r = await child.withArrays(arrays, (data) => child.request<{ handle: number; check: TorchCheck }>('prepare', { data, spec: c.spec, layout, mode: c.mode }));
        const failure = checkFailure(r.check);
        if (failure) {
          await child.request('release', { handle: r.handle });
          return { unavailable: `PyTorch's model is not batchwise's: ${failure}; not timed` };
        }
        const time = (leadIn: unknown, calls: number) => child.request<{ ms: number }>('time', { handle: r.handle, leadIn: leadIn ?? null, calls }).then((t) => t.ms);
        return {
          run: () => time(undefined, 1),
          timeSelf: time,
          dispose: () => void child.request('release', { handle: r.handle }).catch(() => undefined),
          note: describeCheck(r.check),
        };
      } catch (e) {
        return { unavailable: firstLine(e) };
      }
    },
  };
}

import { InvalidArgumentError, Tensor, assertPositiveInt, describeValue, ops, tidy } from '@batchwise/core';
import { readScalar } from '../engine/values.js';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { layerFromJson } from '../io/layer-from-json.js';
import { layerToJson } from '../io/serialization.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { InputLayer, input } from '../layers/input-layer.js';
import type { LayersModel } from '../models/layers-model.js';
import { graphOf, modelInputs } from './graph.js';
import { foldedWeights, planFolds, type Fold, type KeptBatchNorm } from './fold-plan.js';

export interface FoldBatchNormOptions {
  /** Inputs to run through both models to measure the largest output difference folding introduced. */
  data?: Tensor | Tensor[];
  /** Examples per forward pass on `data`. Default 32. */
  batchSize?: number;
}

export interface BatchNormFolding {
  /** The inference model: the same graph without the folded batch norms; every weight copied (it shares nothing with the original). */
  model: LayersModel;
  /** Each folded batch norm and the layer it went into. */
  folded: { layer: string; into: string }[];
  /** Batch norms left in place, with the reason. */
  kept: KeptBatchNorm[];
  /** Largest |folded - original| over every output value of `data`; null without data. */
  maxDifference: number | null;
}

/** Makes the model object; LayersModel passes its own constructor (no import cycle). */
export type ModelFactory = (args: { inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; name: string }) => LayersModel;

/** A layer of the same class and options (name included) with fresh weights, from its saved config. */
function cloneLayer(fn: string, layer: Layer, overrides: Record<string, unknown> = {}): Layer {
  const { class_name, config } = layerToJson(layer);
  try {
    return layerFromJson(fn, class_name, { ...config, ...overrides });
  } catch (e) {
    throw new InvalidArgumentError(`${fn}: every layer must be one batchwise can copy from its config; '${layer.name}' (${layer.className}) cannot: ${(e as Error).message}`);
  }
}

function checkOptions(fn: string, options: unknown): { batchSize: number; sample: unknown } {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  for (const k of Object.keys(options)) if (k !== 'data' && k !== 'batchSize') throw new InvalidArgumentError(`${fn}: options must only hold data, batchSize, received '${k}'.`);
  const { data: sample, batchSize = 32 } = options as FoldBatchNormOptions;
  assertPositiveInt(fn, 'batchSize', batchSize);
  return { batchSize, sample };
}

/**
 * An inference model in which every batch norm that follows a Conv2D or
 * Dense with a linear activation (bias or not; an activation layer after the
 * batch norm is fine) is folded into that layer's kernel and bias (see
 * fold-plan.ts); the others stay. Given `data`, it also reports the largest
 * output difference the folding introduced (float32 rounding of the folded
 * weights and a different summation order).
 */
export function foldBatchNorm(model: LayersModel, makeModel: ModelFactory, options: FoldBatchNormOptions = {}): BatchNormFolding {
  const fn = 'foldBatchNorm';
  const graph = graphOf(fn, model);
  const o = checkOptions(fn, options);
  const data = o.sample === undefined ? null : modelInputs(`${fn} data`, graph, o.sample);
  const plan = planFolds(graph);
  const foldInto = new Map<number, Fold>(plan.folds.map((f) => [f.producer.id, f]));
  const replaced = new Set(plan.folds.map((f) => f.batchNorm.id));
  const clones = new Map<Layer, Layer>();
  const values = new Map<number, SymbolicTensor>();
  for (const t of graph.inputs) values.set(t.id, input({ batchShape: [...t.shape], name: t.sourceLayer.name }));
  for (const t of graph.order) {
    if (values.has(t.id)) continue;
    if (replaced.has(t.id)) {
      values.set(t.id, values.get(t.inputs[0].id)!);
      continue;
    }
    const layer = t.sourceLayer;
    if (layer instanceof InputLayer) throw new InvalidArgumentError(`${fn}: input layer '${layer.name}' must be one of the model's inputs.`);
    let clone = clones.get(layer);
    if (!clone) {
      clone = cloneLayer(fn, layer, foldInto.has(t.id) ? { use_bias: true } : {});
      clones.set(layer, clone);
    }
    const args = t.inputs.map((p) => values.get(p.id)!);
    values.set(t.id, clone.apply(args.length === 1 ? args[0] : args));
  }
  for (const [layer, clone] of clones) {
    const fold = [...foldInto.values()].find((f) => f.producer.sourceLayer === layer);
    if (fold) {
      const w = foldedWeights(layer as Conv2D | Dense, fold);
      const c = clone as Conv2D | Dense;
      c.kernel.assign(new Tensor(w.kernel, c.kernel.shape), fn);
      c.bias!.assign(new Tensor(w.bias, c.bias!.shape), fn);
    } else {
      layer.weights.forEach((w, i) => clone.weights[i].assign(w.value, fn));
    }
  }
  const folded = makeModel({ inputs: graph.inputs.map((t) => values.get(t.id)!), outputs: graph.outputs.map((t) => values.get(t.id)!), name: `${model.name}_folded` });
  return {
    model: folded,
    folded: plan.folds.map((f) => ({ layer: f.batchNorm.sourceLayer.name, into: f.producer.sourceLayer.name })),
    kept: plan.kept,
    maxDifference: data ? maxOutputDifference(model, folded, data, o.batchSize) : null,
  };
}

function maxOutputDifference(a: LayersModel, b: LayersModel, data: Tensor[], batchSize: number): number {
  const list = (v: Tensor | Tensor[]) => (Array.isArray(v) ? v : [v]);
  const ya = list(a.predict(data, { batchSize }));
  const yb = list(b.predict(data, { batchSize }));
  let worst = 0;
  ya.forEach((t, i) => {
    const d = tidy(() => readScalar(ops.max(ops.abs(ops.sub(t, yb[i])))));
    worst = Number.isNaN(d) ? NaN : Math.max(worst, d);
  });
  return worst;
}

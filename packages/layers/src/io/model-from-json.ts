import { InvalidArgumentError, assertNonNegativeInt, describeValue } from '@batchwise/core';
import { MODEL_LIMITS, withParameterLimit } from '../engine/parameter-budget.js';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { InputLayer, input } from '../layers/input-layer.js';
import { LayersModel } from '../models/layers-model.js';
import { Sequential } from '../models/sequential.js';
import { batchShapeOf, layerFromJson } from './layer-from-json.js';

type Json = Record<string, unknown>;
type LayerEntry = { name?: string; class_name: string; config: Json; inbound_nodes?: unknown[] };

/** [layerName, nodeIndex, tensorIndex] references of one inbound node (tfjs list form or Keras 3 dict form). */
function nodeRefs(node: unknown): [string, number][] {
  if (Array.isArray(node)) return node.map((r) => [String((r as unknown[])[0]), Number((r as unknown[])[1])]);
  const refs: [string, number][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const history = (v as { config?: { keras_history?: unknown[] } }).config?.keras_history;
      if (Array.isArray(history)) refs.push([String(history[0]), Number(history[1])]);
      else Object.values(v).forEach(walk);
    }
  };
  walk((node as { args?: unknown })?.args ?? node);
  return refs;
}

function sequentialFromJson(fn: string, config: Json): Sequential {
  const entries = (Array.isArray(config) ? config : config.layers) as LayerEntry[];
  if (!Array.isArray(entries)) throw new InvalidArgumentError(`${fn}: modelTopology.config.layers must be a list, received ${describeValue(entries)}.`);
  const model = new Sequential({ name: typeof config.name === 'string' ? config.name : undefined });
  for (const e of entries) {
    if (e.class_name === 'InputLayer') {
      const shape = batchShapeOf(e.config);
      model.add(input({ batchShape: shape ?? [], name: String(e.config.name) }).sourceLayer as InputLayer);
    } else {
      model.add(layerFromJson(fn, e.class_name, e.config));
    }
  }
  return model;
}

function functionalFromJson(fn: string, config: Json): LayersModel {
  const entries = config.layers as LayerEntry[];
  const outputsOf = new Map<string, SymbolicTensor[]>();
  const pending: { layer: Layer; refs: [string, number][] }[] = [];
  for (const e of entries) {
    const name = String(e.name ?? e.config.name);
    if (e.class_name === 'InputLayer') {
      outputsOf.set(name, [input({ batchShape: batchShapeOf(e.config) ?? [], name })]);
      continue;
    }
    const layer = layerFromJson(fn, e.class_name, { ...e.config, name });
    outputsOf.set(name, []);
    for (const node of e.inbound_nodes ?? []) pending.push({ layer, refs: nodeRefs(node) });
  }
  // Calls may be listed before their inputs exist; apply whatever is ready until nothing is left.
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.refs.every(([n, k]) => outputsOf.get(n)?.[k] !== undefined));
    if (ready < 0) {
      const p = pending[0];
      throw new InvalidArgumentError(`${fn}: inbound_nodes of '${p.layer.name}' must name existing layer outputs, received ${JSON.stringify(p.refs)}.`);
    }
    const [{ layer, refs }] = pending.splice(ready, 1);
    const args = refs.map(([n, k]) => outputsOf.get(n)![k]);
    outputsOf.get(layer.name)!.push(layer.apply(args.length === 1 ? args[0] : args));
  }
  const resolve = (list: unknown, what: string): SymbolicTensor[] =>
    (list as unknown[][]).map((r) => {
      const t = outputsOf.get(String(r[0]))?.[Number(r[1])];
      if (!t) throw new InvalidArgumentError(`${fn}: ${what} must name layer outputs, received ${JSON.stringify(r)}.`);
      return t;
    });
  return new LayersModel({ inputs: resolve(config.input_layers, 'input_layers'), outputs: resolve(config.output_layers, 'output_layers'), name: String(config.name) });
}

export interface ModelFromTopologyOptions {
  /** Model-level seed of the fresh weights and of Dropout (LayersModel.initializeWeights). Default: seeds from layer names. */
  seed?: number;
  /** Most parameters the model may have, checked before each weight is allocated. Default MODEL_LIMITS.maxParameters (100 million). */
  maxParameters?: number;
}

/**
 * A model with fresh weights from a TensorFlow.js / Keras topology (the `modelTopology` of a
 * model.json, or the whole model.json object): Sequential or functional, any layer options the
 * layers support. No weights are read.
 */
export function modelFromTopology(topology: unknown, options: ModelFromTopologyOptions = {}): LayersModel {
  const fn = 'modelFromTopology';
  const json = topology as Json;
  const limit = options.maxParameters ?? MODEL_LIMITS.maxParameters;
  assertNonNegativeInt(fn, 'maxParameters', limit);
  // A topology is a description someone else may have written: `units: 600000` must not allocate gigabytes.
  const model = withParameterLimit(fn, limit, () => buildFromTopology(fn, json !== null && typeof json === 'object' && 'modelTopology' in json ? json.modelTopology : topology));
  if (options.seed !== undefined) model.initializeWeights(options.seed);
  return model;
}

/** Rebuilds a model (fresh weights) from a tfjs/Keras modelTopology. */
export function buildFromTopology(fn: string, topology: unknown): LayersModel {
  const t = (topology as Json)?.model_config ? ((topology as Json).model_config as Json) : (topology as Json);
  const cls = t?.class_name;
  if (cls === 'Sequential') return sequentialFromJson(fn, t.config as Json);
  if (cls === 'Model' || cls === 'Functional') return functionalFromJson(fn, t.config as Json);
  throw new InvalidArgumentError(`${fn}: modelTopology class_name must be 'Sequential', 'Model' or 'Functional', received ${describeValue(cls)}.`);
}


import { InvalidArgumentError, assertNonNegativeInt } from '@batchwise/core';
import { MODEL_LIMITS, withParameterLimit } from '../engine/parameter-budget.js';
import { brief, escapeControl } from './brief.js';
import { isObject, listAt, nameAt, objectAt, refAt } from './json-checks.js';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { InputLayer, input } from '../layers/input-layer.js';
import { LayersModel } from '../models/layers-model.js';
import { Sequential } from '../models/sequential.js';
import { batchShapeOf, layerFromJson } from './layer-from-json.js';

type Json = Record<string, unknown>;
type LayerEntry = { name?: string; class_name: string; config: Json; inbound_nodes?: unknown[] };

/** [layerName, nodeIndex] references of one inbound node (tfjs list form or Keras 3 dict form). */
function nodeRefs(fn: string, where: string, node: unknown): [string, number][] {
  if (Array.isArray(node)) return node.map((r, i) => refAt(fn, `${where}[${i}]`, r).slice(0, 2) as [string, number]);
  const refs: [string, number][] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_NODE_DEPTH) throw new InvalidArgumentError(`${fn}: ${where} must be nested at most ${MAX_NODE_DEPTH} deep.`);
    if (Array.isArray(v)) v.forEach((e) => walk(e, depth + 1));
    else if (isObject(v)) {
      const history = (v as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (history !== undefined) refs.push(refAt(fn, `${where} keras_history`, history).slice(0, 2) as [string, number]);
      else Object.values(v).forEach((e) => walk(e, depth + 1));
    }
  };
  walk(isObject(node) && 'args' in node ? node.args : node, 0);
  return refs;
}

/** Keras 3 nests call arguments a few levels deep; a file nesting far deeper is not one. */
const MAX_NODE_DEPTH = 32;

function entryOf(fn: string, where: string, v: unknown): LayerEntry {
  const e = objectAt(fn, where, v);
  nameAt(fn, `${where}.class_name`, e.class_name);
  objectAt(fn, `${where}.config`, e.config);
  if (e.inbound_nodes !== undefined) listAt(fn, `${where}.inbound_nodes`, e.inbound_nodes);
  return e as unknown as LayerEntry;
}

function sequentialFromJson(fn: string, config: unknown): Sequential {
  const entries = listAt(fn, 'modelTopology.config.layers', Array.isArray(config) ? config : objectAt(fn, 'modelTopology.config', config).layers);
  const name = isObject(config) && config.name !== undefined ? nameAt(fn, 'modelTopology.config.name', config.name) : undefined;
  const model = new Sequential({ name });
  entries.forEach((raw, i) => {
    const e = entryOf(fn, `modelTopology.config.layers[${i}]`, raw);
    if (e.class_name === 'InputLayer') {
      const shape = batchShapeOf(e.config);
      model.add(input({ batchShape: shape ?? [], name: nameAt(fn, `modelTopology.config.layers[${i}].config.name`, e.config.name) }).sourceLayer as InputLayer);
    } else {
      model.add(layerFromJson(fn, e.class_name, e.config));
    }
  });
  return model;
}

function functionalFromJson(fn: string, configIn: unknown): LayersModel {
  const config = objectAt(fn, 'modelTopology.config', configIn);
  const entries = listAt(fn, 'modelTopology.config.layers', config.layers);
  const outputsOf = new Map<string, SymbolicTensor[]>();
  const pending: { layer: Layer; refs: [string, number][] }[] = [];
  entries.forEach((raw, i) => {
    const where = `modelTopology.config.layers[${i}]`;
    const e = entryOf(fn, where, raw);
    const name = nameAt(fn, `${where}.name`, e.name ?? e.config.name);
    if (outputsOf.has(name)) throw new InvalidArgumentError(`${fn}: ${where}.name must be unique, received '${name}' twice.`);
    if (e.class_name === 'InputLayer') {
      outputsOf.set(name, [input({ batchShape: batchShapeOf(e.config) ?? [], name })]);
      return;
    }
    const layer = layerFromJson(fn, e.class_name, { ...e.config, name });
    outputsOf.set(name, []);
    (e.inbound_nodes ?? []).forEach((node, k) => pending.push({ layer, refs: nodeRefs(fn, `${where}.inbound_nodes[${k}]`, node) }));
  });
  // Calls may be listed before their inputs exist; apply whatever is ready until nothing is left.
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.refs.every(([n, k]) => outputsOf.get(n)?.[k] !== undefined));
    if (ready < 0) {
      const p = pending[0];
      throw new InvalidArgumentError(`${fn}: inbound_nodes of '${p.layer.name}' must name existing layer outputs, received ${brief(p.refs)}.`);
    }
    const [{ layer, refs }] = pending.splice(ready, 1);
    if (refs.length === 0) throw new InvalidArgumentError(`${fn}: inbound_nodes of '${layer.name}' must name at least one input, received none.`);
    const args = refs.map(([n, k]) => outputsOf.get(n)![k]);
    outputsOf.get(layer.name)!.push(layer.apply(args.length === 1 ? args[0] : args));
  }
  const resolve = (list: unknown, what: string): SymbolicTensor[] =>
    listAt(fn, `modelTopology.config.${what}`, list).map((r, i) => {
      const [n, k] = refAt(fn, `modelTopology.config.${what}[${i}]`, r);
      const t = outputsOf.get(n)?.[k];
      if (!t) throw new InvalidArgumentError(`${fn}: ${what} must name layer outputs, received ${brief(r)}.`);
      return t;
    });
  return new LayersModel({ inputs: resolve(config.input_layers, 'input_layers'), outputs: resolve(config.output_layers, 'output_layers'), name: config.name !== undefined ? nameAt(fn, 'modelTopology.config.name', config.name) : undefined });
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
  let model: LayersModel;
  try {
    model = withParameterLimit(fn, limit, () => buildFromTopology(fn, json !== null && typeof json === 'object' && 'modelTopology' in json ? json.modelTopology : topology));
  } catch (e) {
    // Names quoted from the topology may hold line breaks; an error stays one line.
    if (e instanceof Error) e.message = escapeControl(e.message);
    throw e;
  }
  if (options.seed !== undefined) model.initializeWeights(options.seed);
  return model;
}

/** Rebuilds a model (fresh weights) from a tfjs/Keras modelTopology. */
export function buildFromTopology(fn: string, topology: unknown): LayersModel {
  const outer = objectAt(fn, 'modelTopology', topology);
  const t = outer.model_config !== undefined ? objectAt(fn, 'modelTopology.model_config', outer.model_config) : outer;
  const cls = t.class_name;
  if (cls === 'Sequential') return sequentialFromJson(fn, t.config);
  if (cls === 'Model' || cls === 'Functional') return functionalFromJson(fn, t.config);
  throw new InvalidArgumentError(`${fn}: modelTopology class_name must be 'Sequential', 'Model' or 'Functional', received ${brief(cls)}.`);
}

import { camelToSnake } from '../engine/naming.js';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import type { Initializer } from '../initializers.js';

/*
 * Model topology in the TensorFlow.js Layers format: Keras class names with
 * snake_case configs, exactly the JSON shape `tf.LayersModel.save` writes
 * (checked against tfjs-layers 4.22 in test/tfjs-format.test.ts).
 */

export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const KERAS_BACKEND = 'tensor_flow.js';

/** Keys tfjs writes as null for features batchwise does not have (regularizers, constraints). */
const NULL_KEYS: Record<string, string[]> = {
  Dense: ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'],
  Conv2D: ['kernel_regularizer', 'kernel_constraint', 'bias_regularizer', 'activity_regularizer', 'bias_constraint'],
  BatchNormalization: ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'],
};

export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

function isInitializer(v: unknown): v is Initializer {
  return v !== null && typeof v === 'object' && typeof (v as Initializer).getConfig === 'function' && typeof (v as Initializer).className === 'string';
}

function toJsonValue(v: unknown): unknown {
  if (isInitializer(v)) return { class_name: v.className, config: v.getConfig() };
  if (Array.isArray(v)) return v.map(toJsonValue);
  return v;
}

/** A layer's `{ class_name, config }` with snake_case keys. */
export function layerToJson(layer: Layer, batchInputShape?: readonly (number | null)[]): LayerJson {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(layer.getConfig())) config[camelToSnake(k)] = toJsonValue(v);
  for (const k of NULL_KEYS[layer.className] ?? []) config[k] ??= null;
  if (batchInputShape) {
    config.batch_input_shape = [...batchInputShape];
    config.dtype = 'float32';
  }
  return { class_name: layer.className, config };
}

/** Sequential topology: the first layer carries batch_input_shape (no InputLayer entry), as tfjs writes it. */
export function sequentialToJson(name: string, layers: Layer[], batchInputShape: readonly (number | null)[]): Record<string, unknown> {
  return {
    class_name: 'Sequential',
    config: { name, layers: layers.map((l, i) => layerToJson(l, i === 0 ? batchInputShape : undefined)) },
    keras_version: KERAS_VERSION,
    backend: KERAS_BACKEND,
  };
}

/** Functional topology: layers with inbound_nodes, input_layers and output_layers. */
export function functionalToJson(name: string, order: SymbolicTensor[], inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Record<string, unknown> {
  // Node indices relative to this model: the k-th call of a layer inside the graph.
  const nodeIndex = new Map<number, number>();
  const perLayer = new Map<Layer, SymbolicTensor[]>();
  for (const t of order) {
    const list = perLayer.get(t.sourceLayer) ?? [];
    nodeIndex.set(t.id, list.length);
    list.push(t);
    perLayer.set(t.sourceLayer, list);
  }
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, nodeIndex.get(t.id), 0];
  const layers = [...perLayer.entries()].map(([layer, calls]) => {
    const { class_name, config } = layerToJson(layer);
    const inbound = calls.filter((t) => t.inputs.length > 0).map((t) => t.inputs.map((p) => [...ref(p), {}]));
    return { name: layer.name, class_name, config, inbound_nodes: inbound };
  });
  return {
    class_name: 'Model',
    config: { name, layers, input_layers: inputs.map(ref), output_layers: outputs.map(ref) },
    keras_version: KERAS_VERSION,
    backend: KERAS_BACKEND,
  };
}

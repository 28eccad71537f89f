import { InvalidArgumentError, assertBoolean, describeValue } from '@batchwise/core';
import { LayersModel, type SymbolicShape } from '@batchwise/layers';
import { encodeModel, ONNX_OPSET, type OnnxDim, type OnnxGraph, type OnnxValueInfo } from '@batchwise/onnx-codec';
import { GraphBuilder } from './graph/builder.js';
import { identityPerm, inLogicalOrder, type Value } from './graph/layout.js';
import { walkModel } from './graph/walk.js';
import { converterOf, EXPORTABLE_LAYERS } from './layers/index.js';

export interface ToOnnxOptions {
  /**
   * Fold each BatchNormalization into the Conv2D or Dense right before it
   * where it can (that layer has a linear activation, is called once and
   * feeds only the batch norm; @batchwise/layers' `model.foldBatchNorm()`),
   * instead of exporting a BatchNormalization node. False keeps every
   * BatchNormalization node. Default true.
   */
  foldBatchNorm?: boolean;
}

/** Defaults of `toOnnx`'s and `saveOnnx`'s options. */
export const TO_ONNX_DEFAULTS = { foldBatchNorm: true } as const;

/** The default-domain opset of every exported model. */
export const EXPORT_OPSET = ONNX_OPSET;

/** Name of an unknown (null) dimension in the exported inputs and outputs: the batch. */
const BATCH_DIM = 'batch';

const dimsOf = (shape: SymbolicShape, name: string): OnnxDim[] =>
  shape.map((d, i) => (d !== null ? d : i === 0 ? BATCH_DIM : `${name}_dim${i}`));

function checkArgs(fn: string, model: unknown, options: unknown): Required<ToOnnxOptions> {
  if (!(model instanceof LayersModel)) throw new InvalidArgumentError(`${fn}: model must be a LayersModel (sequential() or model()), received ${describeValue(model)}.`);
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  const o = { ...TO_ONNX_DEFAULTS, ...(options as ToOnnxOptions) };
  for (const k of Object.keys(options)) {
    if (!(k in TO_ONNX_DEFAULTS)) throw new InvalidArgumentError(`${fn}: options must only hold ${Object.keys(TO_ONNX_DEFAULTS).join(', ')}, received '${k}'.`);
  }
  assertBoolean(fn, 'foldBatchNorm', o.foldBatchNorm);
  return o;
}

/**
 * The ONNX graph of a model in inference mode (plain objects, see
 * @batchwise/onnx-codec). Inputs and outputs keep the model's NHWC layout and
 * names; the batch dimension is symbolic ('batch').
 */
export function toOnnxGraph(model: LayersModel, options: ToOnnxOptions = {}): OnnxGraph {
  const fn = 'toOnnx';
  const o = checkArgs(fn, model, options);
  // Every layer is checked on the model as given, so an error names the layer the user wrote.
  for (const t of walkModel(model).order) {
    const layer = t.sourceLayer;
    if (t.inputs.length > 0 && !converterOf(layer)) {
      throw new InvalidArgumentError(`${fn}: layer '${layer.name}' must be one of the exportable classes (${EXPORTABLE_LAYERS.join(', ')}), received class ${layer.className}.`);
    }
  }
  // The folded copy keeps the layer and input names, so the graph reads the same.
  const graph = walkModel(o.foldBatchNorm ? model.foldBatchNorm().model : model);
  const g = new GraphBuilder();
  const values = new Map<number, Value>();
  const inputs: OnnxValueInfo[] = graph.inputs.map((t) => {
    const name = g.unique(t.sourceLayer.name);
    values.set(t.id, { name, perm: identityPerm(t.rank) });
    return { name, shape: dimsOf(t.shape, name) };
  });
  const callIndex = new Map<object, number>();
  for (const t of graph.order) {
    if (values.has(t.id)) continue;
    const layer = t.sourceLayer;
    const convert = converterOf(layer)!;
    const index = callIndex.get(layer) ?? 0;
    callIndex.set(layer, index + 1);
    const name = graph.calls.get(layer) === 1 ? layer.name : `${layer.name}_call${index}`;
    values.set(t.id, convert(g, { layer, inputs: t.inputs.map((p) => values.get(p.id)!), inputShapes: t.inputs.map((p) => p.shape), outputShape: t.shape, name }));
  }
  const inputNames = new Set(inputs.map((i) => i.name));
  const outputs: OnnxValueInfo[] = [];
  for (const t of graph.outputs) {
    let v = inLogicalOrder(g, values.get(t.id)!);
    // An output must be produced by a node and named once.
    if (inputNames.has(v.name) || outputs.some((x) => x.name === v.name)) v = { name: g.node('Identity', [v.name], `${t.sourceLayer.name}/output`), perm: v.perm };
    outputs.push({ name: v.name, shape: dimsOf(t.shape, v.name) });
  }
  return { name: model.name, nodes: g.nodes, inputs, outputs, initializers: g.initializers };
}

/**
 * The model as ONNX bytes (opset 17, IR version 8) for onnxruntime and
 * other ONNX runtimes, in inference mode: Dropout is the identity and
 * BatchNormalization uses its moving statistics.
 */
export function toOnnx(model: LayersModel, options: ToOnnxOptions = {}): Uint8Array {
  return encodeModel(toOnnxGraph(model, options), { producerName: 'batchwise', opset: EXPORT_OPSET });
}

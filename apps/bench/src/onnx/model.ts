import { ProtoWriter } from './protobuf.js';

/*
 * Encodes small ONNX graphs (ModelProto) for the onnxruntime contender.
 * Field numbers follow onnx/onnx.proto (IR version 8, the one that goes with
 * opset 17). Only what single-kernel benchmark graphs need is covered.
 */

/** ONNX IR version written into every model; IR 8 is the one that accompanies opset 17. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset; 17 has every operator used here (BatchNormalization with training_mode since 15). */
export const ONNX_OPSET = 17;

/** TensorProto.DataType values used here. */
export const OnnxDataType = { float: 1, int64: 7 } as const;
export type OnnxElemType = keyof typeof OnnxDataType;

/** An attribute value; the key says which AttributeProto field holds it. */
export type OnnxAttribute = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, OnnxAttribute>;
  /** Operator domain; '' is the default ONNX domain. */
  domain?: string;
}

export interface OnnxValueInfo {
  name: string;
  elemType?: OnnxElemType;
  /** Omitted for outputs whose shape onnxruntime infers. */
  shape?: readonly number[];
}

export interface OnnxInitializer {
  name: string;
  shape: readonly number[];
  data: Float32Array | BigInt64Array;
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxInitializer[];
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function writeAttribute(w: ProtoWriter, name: string, value: OnnxAttribute): void {
  w.string(1, name);
  if ('i' in value) w.int(3, value.i).int(20, ATTR_INT);
  else if ('f' in value) w.float(2, value.f).int(20, ATTR_FLOAT);
  else if ('ints' in value) w.ints(8, value.ints).int(20, ATTR_INTS);
  else if ('floats' in value) {
    for (const f of value.floats) w.float(7, f);
    w.int(20, ATTR_FLOATS);
  } else w.string(4, value.s).int(20, ATTR_STRING);
}

function writeNode(w: ProtoWriter, node: OnnxNode, index: number): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, `${node.opType.toLowerCase()}_${index}`);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(5, (a) => writeAttribute(a, name, value));
  }
  if (node.domain) w.string(7, node.domain);
}

function writeValueInfo(w: ProtoWriter, info: OnnxValueInfo): void {
  w.string(1, info.name);
  // TypeProto.tensor_type (1) -> { elem_type (1), shape (2) -> TensorShapeProto { dim (1) -> { dim_value (1) } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, OnnxDataType[info.elemType ?? 'float']);
      if (info.shape) {
        const shape = info.shape;
        tensor.message(2, (s) => {
          for (const d of shape) s.message(1, (dim) => dim.int(1, d));
        });
      }
    }),
  );
}

function writeInitializer(w: ProtoWriter, init: OnnxInitializer): void {
  w.ints(1, init.shape);
  w.int(2, init.data instanceof Float32Array ? OnnxDataType.float : OnnxDataType.int64);
  w.string(8, init.name);
  // raw_data is little-endian, which is also the byte order of typed arrays on every platform Node ships for.
  w.bytesField(9, new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
}

/** Serializes a graph as a complete ModelProto that onnxruntime can load from bytes. */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, ONNX_IR_VERSION);
  w.string(2, 'batchwise-bench');
  w.string(3, '0.1.0');
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) => g.message(1, (n) => writeNode(n, node, i)));
    g.string(2, graph.name);
    for (const init of graph.initializers ?? []) g.message(5, (t) => writeInitializer(t, init));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  // OperatorSetIdProto { domain (1), version (2) }; the empty domain is ai.onnx.
  w.message(8, (o) => o.string(1, '').int(2, ONNX_OPSET));
  return w.finish();
}

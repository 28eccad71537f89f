import { readFileSync } from 'node:fs';
import { bytesField, messages, parseMessage, repeatedFloats, repeatedInts, stringField, toInt, type ProtoMessage } from './protobuf.js';

/*
 * The parts of ONNX's protos the test vectors use (onnx/onnx.proto3):
 * TensorProto { dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10 },
 * ModelProto { graph 7, opset_import 8 { domain 1, version 2 } }, GraphProto { node 1, initializer 5, input 11, output 12 },
 * NodeProto { input 1, output 2, op_type 4, attribute 5 },
 * AttributeProto { name 1, f 2, i 3, s 4, floats 7, ints 8 }.
 */

/** ONNX TensorProto.DataType values met in the vectors. */
export const ONNX_TYPES = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Values as numbers (bool as 0/1); float32 values are exact. */
  values: Float64Array;
}

function decodeRaw(raw: Uint8Array, dataType: number, count: number): Float64Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (dataType === ONNX_TYPES.FLOAT) out[i] = dv.getFloat32(4 * i, true);
    else if (dataType === ONNX_TYPES.DOUBLE) out[i] = dv.getFloat64(8 * i, true);
    else if (dataType === ONNX_TYPES.INT64) out[i] = Number(dv.getBigInt64(8 * i, true));
    else if (dataType === ONNX_TYPES.INT32) out[i] = dv.getInt32(4 * i, true);
    else if (dataType === ONNX_TYPES.BOOL || dataType === ONNX_TYPES.UINT8) out[i] = dv.getUint8(i);
    else throw new Error(`onnx: tensor data type ${dataType} is not supported by this reader.`);
  }
  return out;
}

export function decodeTensor(msg: ProtoMessage): OnnxTensor {
  const dims = repeatedInts(msg, 1);
  const dataType = toInt(msg.get(2)?.[0] ?? { wire: 0, varint: 0n });
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = bytesField(msg, 9);
  let values: Float64Array;
  if (raw) values = decodeRaw(raw, dataType, count);
  else if (dataType === ONNX_TYPES.FLOAT) values = Float64Array.from(repeatedFloats(msg, 4));
  else if (dataType === ONNX_TYPES.INT64) values = Float64Array.from(repeatedInts(msg, 7));
  else values = Float64Array.from(repeatedInts(msg, 5));
  if (values.length !== count) {
    throw new Error(`onnx: tensor '${stringField(msg, 8) ?? ''}' has ${values.length} values for dims [${dims.join(',')}].`);
  }
  return { name: stringField(msg, 8) ?? '', dims, dataType, values };
}

/** Reads one `.pb` file holding a single TensorProto. */
export function readTensorFile(path: string): OnnxTensor {
  return decodeTensor(parseMessage(new Uint8Array(readFileSync(path))));
}

export type OnnxAttribute = number | string | number[];

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export interface OnnxModel {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  /** Graph input names, in order (initializers may be listed too). */
  inputs: string[];
  outputs: string[];
  /** Version of the default ('' or 'ai.onnx') operator set: Softmax changed meaning at 13. */
  opset: number;
}

function decodeAttribute(msg: ProtoMessage): [string, OnnxAttribute] {
  const name = stringField(msg, 1) ?? '';
  const f = msg.get(2)?.[0];
  if (f && f.wire === 5) return [name, new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true)];
  if (msg.has(3)) return [name, toInt(msg.get(3)![0])];
  if (msg.has(4)) return [name, stringField(msg, 4) ?? ''];
  if (msg.has(8)) return [name, repeatedInts(msg, 8)];
  if (msg.has(7)) return [name, repeatedFloats(msg, 7)];
  return [name, []];
}

function strings(msg: ProtoMessage, field: number): string[] {
  return (msg.get(field) ?? []).map((v) => (v.wire === 2 ? new TextDecoder().decode(v.bytes) : ''));
}

/** Reads a `model.onnx`: nodes with attributes, initializers, graph inputs and outputs. */
export function readModelFile(path: string): OnnxModel {
  const model = parseMessage(new Uint8Array(readFileSync(path)));
  const graph = messages(model, 7)[0];
  if (!graph) throw new Error(`onnx: ${path} has no graph.`);
  const nodes = messages(graph, 1).map((n) => ({
    opType: stringField(n, 4) ?? '',
    inputs: strings(n, 1),
    outputs: strings(n, 2),
    attributes: Object.fromEntries(messages(n, 5).map(decodeAttribute)),
  }));
  const initializers = new Map(messages(graph, 5).map((t) => {
    const tensor = decodeTensor(t);
    return [tensor.name, tensor] as const;
  }));
  const names = (field: number) => messages(graph, field).map((v) => stringField(v, 1) ?? '');
  const defaultSet = messages(model, 8).find((o) => ['', 'ai.onnx'].includes(stringField(o, 1) ?? ''));
  const opset = defaultSet?.has(2) ? toInt(defaultSet.get(2)![0]) : 1;
  return { nodes, initializers, inputs: names(11), outputs: names(12), opset };
}

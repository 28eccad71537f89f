import { InvalidArgumentError } from '@batchwise/core';
import type { onnx as OnnxNs } from 'onnx-proto';
import { onnx } from './schema.js';
import { ONNX_IR_VERSION, ONNX_OPSET, OnnxDataType, type OnnxAttribute, type OnnxGraph, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from './types.js';

/*
 * Plain objects to bytes: this file checks the objects and maps them onto
 * the schema's messages; protobufjs writes the wire format.
 */

export interface EncodeModelOptions {
  /** Default-domain opset version. Default ONNX_OPSET (17). */
  opset?: number;
  /** ModelProto.ir_version. Default ONNX_IR_VERSION (8). */
  irVersion?: number;
  /** Default 'batchwise'. */
  producerName?: string;
  /** Default ''. */
  producerVersion?: string;
  /** Free text stored as ModelProto.doc_string. Default ''. */
  docString?: string;
}

/** Defaults of `encodeModel`'s options. */
export const ENCODE_MODEL_DEFAULTS = { opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION, producerName: 'batchwise', producerVersion: '', docString: '' } as const;

const AttrType = onnx.AttributeProto.AttributeType;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function checkInt(fn: string, what: string, v: unknown, min = -Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidArgumentError(`${fn}: ${what} must be ${min === -Number.MAX_SAFE_INTEGER ? 'a safe integer' : `an integer >= ${min}`}, received ${String(v)}.`);
  }
  return v;
}

function checkName(fn: string, what: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new InvalidArgumentError(`${fn}: ${what} must be a non-empty string, received ${JSON.stringify(v)}.`);
  return v;
}

/** raw_data is little-endian (onnx.proto): a view of the array on little-endian hosts, a swapped copy otherwise. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new DataView(new ArrayBuffer(data.byteLength));
  if (data instanceof Float32Array) data.forEach((v, i) => out.setFloat32(4 * i, v, true));
  else data.forEach((v, i) => out.setBigInt64(8 * i, v, true));
  return new Uint8Array(out.buffer);
}

function tensorMessage(fn: string, t: OnnxInitializer): OnnxNs.ITensorProto {
  const name = checkName(fn, 'tensor name', t.name);
  const dims = [...t.dims].map((d) => checkInt(fn, `tensor '${name}' dims`, d, 0));
  const count = dims.reduce((a, b) => a * b, 1);
  if (!(t.data instanceof Float32Array || t.data instanceof BigInt64Array) || t.data.length !== count) {
    const got = t.data instanceof Float32Array || t.data instanceof BigInt64Array ? `${t.data.length} values` : String(t.data);
    throw new InvalidArgumentError(`${fn}: tensor '${name}' data must be a Float32Array or BigInt64Array of ${count} values (dims [${dims.join(',')}]), received ${got}.`);
  }
  return {
    name,
    dims,
    dataType: t.data instanceof Float32Array ? OnnxDataType.FLOAT : OnnxDataType.INT64,
    rawData: littleEndianBytes(t.data),
  };
}

function attributeMessage(fn: string, name: string, value: OnnxAttribute, where: string): OnnxNs.IAttributeProto {
  const what = `attribute '${name}' of ${where}`;
  const finite = (f: unknown) => {
    if (typeof f !== 'number' || !Number.isFinite(f)) throw new InvalidArgumentError(`${fn}: ${what} must hold finite numbers, received ${String(f)}.`);
    return f;
  };
  if ('i' in value) return { name, type: AttrType.INT, i: checkInt(fn, what, value.i) };
  if ('f' in value) return { name, type: AttrType.FLOAT, f: finite(value.f) };
  if ('s' in value) return { name, type: AttrType.STRING, s: new TextEncoder().encode(value.s) };
  if ('ints' in value) return { name, type: AttrType.INTS, ints: value.ints.map((v) => checkInt(fn, what, v)) };
  if ('floats' in value) return { name, type: AttrType.FLOATS, floats: value.floats.map(finite) };
  if ('strings' in value) return { name, type: AttrType.STRINGS, strings: value.strings.map((s) => new TextEncoder().encode(s)) };
  if ('t' in value) {
    const t = value.t;
    if (t.dataType !== OnnxDataType.FLOAT) throw new InvalidArgumentError(`${fn}: ${what} must be a float tensor, received data type ${t.dataType}.`);
    return { name, type: AttrType.TENSOR, t: tensorMessage(fn, { name: t.name || name, dims: t.dims, data: Float32Array.from(t.values) }) };
  }
  throw new InvalidArgumentError(`${fn}: ${what} must be one of { i }, { f }, { s }, { ints }, { floats }, { strings }, { t }, received ${JSON.stringify(value)}.`);
}

function nodeMessage(fn: string, node: OnnxNode, index: number): OnnxNs.INodeProto {
  const opType = checkName(fn, `node ${index} opType`, node.opType);
  const name = node.name ?? `${opType.toLowerCase()}_${index}`;
  const where = `node '${name}'`;
  return {
    name,
    opType,
    input: [...node.inputs],
    output: [...node.outputs].map((o) => checkName(fn, `output of ${where}`, o)),
    attribute: Object.entries(node.attributes ?? {}).map(([k, v]) => attributeMessage(fn, k, v, where)),
    domain: node.domain ?? '',
  };
}

function valueInfoMessage(fn: string, info: OnnxValueInfo): OnnxNs.IValueInfoProto {
  const name = checkName(fn, 'value name', info.name);
  const tensorType: OnnxNs.TypeProto.ITensor = { elemType: info.elemType ?? OnnxDataType.FLOAT };
  if (info.shape) {
    tensorType.shape = {
      dim: info.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : d === null ? {} : { dimValue: checkInt(fn, `value '${name}' shape`, d, 0) })),
    };
  }
  return { name, type: { tensorType } };
}

/** Encodes one TensorProto, as ONNX test data `.pb` files hold. */
export function encodeTensor(tensor: OnnxInitializer): Uint8Array {
  return onnx.TensorProto.encode(tensorMessage('encodeTensor', tensor)).finish();
}

/** Serializes a graph as a complete ModelProto that onnxruntime can load from bytes. */
export function encodeModel(graph: OnnxGraph, options: EncodeModelOptions = {}): Uint8Array {
  const fn = 'encodeModel';
  const o = { ...ENCODE_MODEL_DEFAULTS, ...options };
  const nodes = graph.nodes.map((n, i) => nodeMessage(fn, n, i));
  const message: OnnxNs.IModelProto = {
    irVersion: checkInt(fn, 'irVersion', o.irVersion, 1),
    producerName: o.producerName,
    producerVersion: o.producerVersion,
    docString: o.docString,
    // The empty domain is ai.onnx, the default operator set.
    opsetImport: [{ domain: '', version: checkInt(fn, 'opset', o.opset, 1) }],
    graph: {
      name: checkName(fn, 'graph name', graph.name),
      node: nodes,
      initializer: (graph.initializers ?? []).map((t) => tensorMessage(fn, t)),
      input: graph.inputs.map((v) => valueInfoMessage(fn, v)),
      output: graph.outputs.map((v) => valueInfoMessage(fn, v)),
    },
  };
  return onnx.ModelProto.encode(message).finish();
}

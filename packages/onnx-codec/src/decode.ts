import { InvalidArgumentError } from '@batchwise/core';
import type { onnx as OnnxNs } from 'onnx-proto';
import { onnx, type Int64 } from './schema.js';
import { OnnxDataType, type OnnxAttribute, type OnnxDim, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './types.js';

/*
 * Bytes to plain objects. protobufjs decodes the wire format on the official
 * schema; this file only turns its messages into OnnxModel / OnnxTensor and
 * says clearly what it cannot read.
 */

const AttrType = onnx.AttributeProto.AttributeType;

/** An int64 as a number; an unsafe one is an error, never a rounded value. */
function toInt(fn: string, what: string, v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${fn}: ${what} must be a safe integer, received ${v.toString()}.`);
  return n;
}

function bytes(fn: string, what: string, data: unknown): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new InvalidArgumentError(`${fn}: ${what} must be a Uint8Array of protobuf bytes, received ${data === null ? 'null' : typeof data}.`);
  }
  return data;
}

/** Runs a protobufjs decoder, turning its RangeError/Error into one that names the message. */
function parse<T>(fn: string, message: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    throw new InvalidArgumentError(`${fn}: bytes must be an ONNX ${message}, received a malformed message (${e instanceof Error ? e.message : String(e)}).`);
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

type ArrayCtor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): ArrayLike<number | bigint> & { BYTES_PER_ELEMENT: number } };

const ARRAY_OF: Record<number, ArrayCtor> = {
  [OnnxDataType.FLOAT]: Float32Array, [OnnxDataType.DOUBLE]: Float64Array, [OnnxDataType.INT64]: BigInt64Array,
  [OnnxDataType.UINT64]: BigUint64Array, [OnnxDataType.INT32]: Int32Array, [OnnxDataType.UINT32]: Uint32Array,
  [OnnxDataType.INT16]: Int16Array, [OnnxDataType.UINT16]: Uint16Array, [OnnxDataType.INT8]: Int8Array,
  [OnnxDataType.UINT8]: Uint8Array, [OnnxDataType.BOOL]: Uint8Array,
};

/**
 * raw_data is little-endian (onnx.proto). On a little-endian host it is
 * viewed as its typed array (copied first when its offset is not aligned, as
 * protobufjs hands out slices of the file at any offset); a big-endian host
 * reads it element by element with a DataView.
 */
function decodeRaw(fn: string, name: string, raw: Uint8Array, dataType: number, count: number): Float64Array {
  const Ctor = ARRAY_OF[dataType];
  if (Ctor === undefined) {
    throw new InvalidArgumentError(`${fn}: tensor '${name}' data_type must be numeric (${Object.entries(OnnxDataType).map(([k, v]) => `${v} ${k}`).join(', ')}), received ${dataType}.`);
  }
  const width = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (raw.byteLength !== count * width) {
    throw new InvalidArgumentError(`${fn}: tensor '${name}' raw_data must hold ${count} values of ${width} bytes, received ${raw.byteLength} bytes.`);
  }
  let values: ArrayLike<number | bigint>;
  if (LITTLE_ENDIAN) {
    // A Node Buffer's slice() is a view, so copy with the Uint8Array constructor.
    const aligned = raw.byteOffset % width === 0 ? raw : new Uint8Array(raw);
    values = new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
  } else {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read = (i: number): number | bigint => {
      switch (dataType) {
        case OnnxDataType.FLOAT: return dv.getFloat32(4 * i, true);
        case OnnxDataType.DOUBLE: return dv.getFloat64(8 * i, true);
        case OnnxDataType.INT64: return dv.getBigInt64(8 * i, true);
        case OnnxDataType.UINT64: return dv.getBigUint64(8 * i, true);
        case OnnxDataType.INT32: return dv.getInt32(4 * i, true);
        case OnnxDataType.UINT32: return dv.getUint32(4 * i, true);
        case OnnxDataType.INT16: return dv.getInt16(2 * i, true);
        case OnnxDataType.UINT16: return dv.getUint16(2 * i, true);
        case OnnxDataType.INT8: return dv.getInt8(i);
        default: return dv.getUint8(i);
      }
    };
    values = Array.from({ length: count }, (_, i) => read(i));
  }
  if (typeof values[0] !== 'bigint') return Float64Array.from(values as ArrayLike<number>);
  return Float64Array.from(values as ArrayLike<bigint>, (v) => toInt(fn, `tensor '${name}' value`, Number(v)));
}

/** The typed repeated fields (float_data, int32_data, int64_data, double_data, uint64_data) by data type. */
function typedValues(fn: string, t: OnnxNs.ITensorProto, name: string): Float64Array {
  switch (t.dataType) {
    case OnnxDataType.FLOAT: return Float64Array.from(t.floatData ?? []);
    case OnnxDataType.DOUBLE: return Float64Array.from(t.doubleData ?? []);
    case OnnxDataType.INT64: return Float64Array.from(t.int64Data ?? [], (v) => toInt(fn, `tensor '${name}' value`, v));
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64: return Float64Array.from(t.uint64Data ?? [], (v) => toInt(fn, `tensor '${name}' value`, v));
    // int32_data carries every narrower integer type and bool (onnx.proto).
    default: return Float64Array.from(t.int32Data ?? []);
  }
}

function toTensor(fn: string, t: OnnxNs.ITensorProto): OnnxTensor {
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map((d) => toInt(fn, `tensor '${name}' dims`, d));
  if (dims.some((d) => d < 0)) throw new InvalidArgumentError(`${fn}: tensor '${name}' dims must be non-negative, received [${dims.join(',')}].`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new InvalidArgumentError(`${fn}: tensor '${name}' must hold its data inline, received external data (data_location EXTERNAL).`);
  }
  const dataType = t.dataType ?? 0;
  const count = dims.reduce((a, b) => a * b, 1);
  const values = t.rawData && t.rawData.length > 0 ? decodeRaw(fn, name, t.rawData, dataType, count) : typedValues(fn, t, name);
  if (values.length !== count) throw new InvalidArgumentError(`${fn}: tensor '${name}' must have ${count} values for dims [${dims.join(',')}], received ${values.length}.`);
  return { name, dims, dataType, values };
}

function toAttribute(fn: string, node: string, a: OnnxNs.IAttributeProto): [string, OnnxAttribute] {
  const name = a.name ?? '';
  const where = `attribute '${name}' of node '${node}'`;
  switch (a.type) {
    case AttrType.FLOAT: return [name, { f: a.f ?? 0 }];
    case AttrType.INT: return [name, { i: toInt(fn, where, a.i) }];
    case AttrType.STRING: return [name, { s: new TextDecoder().decode(a.s ?? new Uint8Array()) }];
    case AttrType.FLOATS: return [name, { floats: [...(a.floats ?? [])] }];
    case AttrType.INTS: return [name, { ints: (a.ints ?? []).map((v) => toInt(fn, where, v)) }];
    case AttrType.STRINGS: return [name, { strings: (a.strings ?? []).map((s) => new TextDecoder().decode(s)) }];
    case AttrType.TENSOR: return [name, { t: toTensor(fn, a.t ?? {}) }];
    default:
      throw new InvalidArgumentError(`${fn}: ${where} must be a float, int, string, tensor or a list of floats, ints or strings, received type ${AttrType[a.type ?? 0] ?? a.type}.`);
  }
}

function toNode(fn: string, n: OnnxNs.INodeProto): OnnxNode {
  const name = n.name ?? '';
  return {
    opType: n.opType ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attributes: Object.fromEntries((n.attribute ?? []).map((a) => toAttribute(fn, name || (n.opType ?? ''), a))),
    name,
    domain: n.domain ?? '',
  };
}

function toValueInfo(fn: string, v: OnnxNs.IValueInfoProto): OnnxValueInfo {
  const tensor = v.type?.tensorType;
  const info: OnnxValueInfo = { name: v.name ?? '' };
  if (tensor?.elemType) info.elemType = tensor.elemType;
  if (tensor?.shape) {
    // dim_value and dim_param are a oneof: `value` names the one that is set (neither: unknown).
    info.shape = (tensor.shape.dim ?? []).map((d): OnnxDim => {
      const which = (d as OnnxNs.TensorShapeProto.Dimension).value;
      if (which === 'dimParam') return d.dimParam ?? '';
      return which === 'dimValue' ? toInt(fn, `value '${info.name}' dim`, d.dimValue) : null;
    });
  }
  return info;
}

/** Decodes one TensorProto (a `.pb` file of ONNX's test data). */
export function decodeTensor(data: Uint8Array): OnnxTensor {
  const fn = 'decodeTensor';
  const buf = bytes(fn, 'data', data);
  return toTensor(fn, parse(fn, 'TensorProto', () => onnx.TensorProto.decode(buf)));
}

/** Decodes a ModelProto (a `.onnx` file): nodes with attributes, initializers, inputs, outputs and opsets. */
export function decodeModel(data: Uint8Array): OnnxModel {
  const fn = 'decodeModel';
  const buf = bytes(fn, 'data', data);
  const m = parse(fn, 'ModelProto', () => onnx.ModelProto.decode(buf));
  if (!m.graph) throw new InvalidArgumentError(`${fn}: the model must have a graph, received a ModelProto without one (${buf.byteLength} bytes).`);
  const g = m.graph;
  const opsetImports = (m.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toInt(fn, 'opset version', o.version) }));
  const defaultSet = opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const initializers = new Map<string, OnnxTensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', toTensor(fn, t));
  return {
    irVersion: toInt(fn, 'ir_version', m.irVersion),
    producerName: m.producerName ?? '',
    opset: defaultSet?.version ?? 1,
    opsetImports,
    graphName: g.name ?? '',
    nodes: (g.node ?? []).map((n) => toNode(fn, n)),
    initializers,
    inputs: (g.input ?? []).map((v) => toValueInfo(fn, v)),
    outputs: (g.output ?? []).map((v) => toValueInfo(fn, v)),
  };
}

/*
 * The plain-object form of the ONNX messages batchwise reads and writes:
 * ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto and
 * TensorProto, with int64s as numbers and names as in onnx.proto.
 */

/** TensorProto.DataType values the codec reads (all numeric) and writes (float, int64). */
export const OnnxDataType = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11, UINT32: 12, UINT64: 13,
} as const;

/** ONNX IR version written by `encodeModel`: IR 8 goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

/**
 * Default-domain opset written by `encodeModel`. 17 has every operator
 * batchwise exports (Softmax on one axis since 13, BatchNormalization with
 * training_mode since 15) and ReduceMean with an `axes` attribute (an input
 * from 18 on); onnxruntime 1.30 runs it.
 */
export const ONNX_OPSET = 17;

/** An attribute value; the key says which AttributeProto field holds it. */
export type OnnxAttribute =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { t: OnnxTensor };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttribute>>;
  /** Node name; the writer makes one from the op type and position when absent. */
  name?: string;
  /** Operator domain; '' (or absent) is the default ONNX domain. */
  domain?: string;
}

/** A tensor dimension: a size, a symbolic name (dim_param, e.g. 'batch'), or null when unknown. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType; float when absent. */
  elemType?: number;
  /** Absent when unknown (onnxruntime infers output shapes). */
  shape?: readonly OnnxDim[];
}

/** A tensor read from a file: every numeric type as float64 values (float32 and int32 are exact; int64 must be a safe integer). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  values: Float64Array;
}

/** A tensor to write: float32 or int64 data in row-major order. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** A graph to write. */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxInitializer[];
}

/** A model as read: its graph, flattened, and the opsets it imports. */
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  /** Version of the default ('' or 'ai.onnx') operator set; 1 when not imported. */
  opset: number;
  opsetImports: { domain: string; version: number }[];
  graphName: string;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  /** Graph inputs in order (older models list initializers here too). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

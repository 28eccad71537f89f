import { InvalidArgumentError } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { decodeModel, decodeTensor, encodeTensor, OnnxDataType } from '../src/index.js';
import { vector } from './vectors.js';

describe('decodeModel', () => {
  it('reads a PyTorch-exported Conv: opset, attributes by type, initializers, inputs and outputs', () => {
    const m = decodeModel(vector('pytorch-converted/test_Conv2d/model.onnx'));
    expect(m.opset).toBe(6);
    expect(m.nodes.map((n) => n.opType)).toEqual(['Conv']);
    const a = m.nodes[0].attributes!;
    expect(a.kernel_shape).toEqual({ ints: [3, 2] });
    expect(a.group).toEqual({ i: 1 });
    expect([...m.initializers.keys()]).toEqual(['1', '2']);
    const w = m.initializers.get('1')!;
    expect(w.dataType).toBe(OnnxDataType.FLOAT);
    expect(w.values.length).toBe(w.dims.reduce((p, d) => p * d, 1));
    expect(m.inputs.map((v) => v.name)).toEqual(['0', '1', '2']);
    expect(m.outputs).toHaveLength(1);
    expect(m.inputs[0].shape?.every((d) => typeof d === 'number' && d > 0)).toBe(true);
  });

  it('reads float attributes and the training-mode flag', () => {
    const m = decodeModel(vector('test_batchnorm_epsilon_training_mode/model.onnx'));
    const a = m.nodes[0].attributes!;
    expect(a.epsilon).toEqual({ f: expect.closeTo(0.01, 7) });
    expect(a.training_mode).toEqual({ i: 1 });
    expect(m.nodes[0].outputs).toHaveLength(3);
  });

  it('reads string attributes', () => {
    const a = decodeModel(vector('test_maxpool_2d_same_upper/model.onnx')).nodes[0].attributes!;
    expect(a.auto_pad).toEqual({ s: 'SAME_UPPER' });
  });

  it('refuses bytes that are not a ModelProto, naming the function', () => {
    expect(() => decodeModel(Uint8Array.of(0x0a, 0x05, 0x01))).toThrow(InvalidArgumentError);
    expect(() => decodeModel(Uint8Array.of(0x0a, 0x05, 0x01))).toThrow(/^decodeModel: bytes must be an ONNX ModelProto, received a malformed message/);
    expect(() => decodeModel(new Uint8Array(0))).toThrow('decodeModel: the model must have a graph, received a ModelProto without one (0 bytes).');
    expect(() => decodeModel('model.onnx' as unknown as Uint8Array)).toThrow('decodeModel: data must be a Uint8Array of protobuf bytes, received string.');
  });
});

describe('decodeTensor', () => {
  it('reads little-endian raw_data at an unaligned offset', () => {
    const bytes = vector('test_relu/test_data_set_0/input_0.pb');
    const t = decodeTensor(bytes);
    expect(t.dims).toEqual([3, 4, 5]);
    // The same tensor from a copy placed one byte into a buffer: values must not change.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect([...decodeTensor(shifted.subarray(1)).values]).toEqual([...t.values]);
    const relu = decodeTensor(vector('test_relu/test_data_set_0/output_0.pb'));
    expect([...relu.values]).toEqual([...t.values].map((v) => Math.max(v, 0)));
  });

  it('reads packed and unpacked repeated dims, negative int64 and float_data', () => {
    // dims (1) packed [2, 1]; data_type (2) = 1; float_data (4) packed [1.5, -2]; name (8) 'x'.
    const packed = Uint8Array.of(0x0a, 0x02, 0x02, 0x01, 0x10, 0x01, 0x22, 0x08, 0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0, 0x42, 0x01, 0x78);
    expect(decodeTensor(packed)).toEqual({ name: 'x', dims: [2, 1], dataType: 1, values: Float64Array.of(1.5, -2) });
    // dims unpacked: 1 then 1; data_type 7 (int64); int64_data (7) packed [-1] (ten-byte varint).
    const int64 = Uint8Array.of(0x08, 0x01, 0x08, 0x01, 0x10, 0x07, 0x3a, 0x0a, ...Array(9).fill(0xff), 0x01);
    expect(decodeTensor(int64)).toMatchObject({ dims: [1, 1], dataType: 7, values: Float64Array.of(-1) });
  });

  it('round-trips float32 and int64 tensors through encodeTensor', () => {
    const f = decodeTensor(encodeTensor({ name: 'w', dims: [2, 3], data: Float32Array.of(1, -2, 3.25, 0, 1e-8, -7) }));
    expect(f).toEqual({ name: 'w', dims: [2, 3], dataType: OnnxDataType.FLOAT, values: Float64Array.from(Float32Array.of(1, -2, 3.25, 0, 1e-8, -7)) });
    const i = decodeTensor(encodeTensor({ name: 'shape', dims: [2], data: BigInt64Array.of(-1n, 784n) }));
    expect([...i.values]).toEqual([-1, 784]);
    expect(i.dataType).toBe(OnnxDataType.INT64);
  });

  it('refuses inconsistent, external or unrepresentable data with a message naming the tensor', () => {
    // dims [3] but 2 floats of raw_data.
    const short = Uint8Array.of(0x0a, 0x01, 0x03, 0x10, 0x01, 0x42, 0x01, 0x74, 0x4a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(() => decodeTensor(short)).toThrow("decodeTensor: tensor 't' raw_data must hold 3 values of 4 bytes, received 8 bytes.");
    // data_location (14) = EXTERNAL (1).
    const external = Uint8Array.of(0x10, 0x01, 0x42, 0x01, 0x65, 0x70, 0x01);
    expect(() => decodeTensor(external)).toThrow("decodeTensor: tensor 'e' must hold its data inline, received external data (data_location EXTERNAL).");
    // int64 value 2^60 in int64_data.
    const huge = Uint8Array.of(0x08, 0x01, 0x10, 0x07, 0x3a, 0x09, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10);
    expect(() => decodeTensor(huge)).toThrow(/^decodeTensor: tensor '' value must be a safe integer, received 1152921504606846976\.$/);
    // data_type 8 (STRING) with raw_data.
    const text = Uint8Array.of(0x08, 0x01, 0x10, 0x08, 0x4a, 0x01, 0x61);
    expect(() => decodeTensor(text)).toThrow(/^decodeTensor: tensor '' data_type must be numeric \(1 FLOAT, .*\), received 8\.$/);
  });
});

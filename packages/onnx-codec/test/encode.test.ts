import { InvalidArgumentError } from '@batchwise/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, ONNX_IR_VERSION, ONNX_OPSET, type OnnxGraph } from '../src/index.js';

const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);

const matMul: OnnxGraph = {
  name: 'mm',
  nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
  inputs: [{ name: 'a', shape: ['batch', 3] }, { name: 'b', shape: [3, 2] }],
  outputs: [{ name: 'y' }],
};

describe('encodeModel', () => {
  it('builds a MatMul model with a symbolic batch that onnxruntime loads and runs at any batch size', async () => {
    const session = await ort.InferenceSession.create(encodeModel(matMul));
    const b = f32(Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]);
    const one = await session.run({ a: f32(Float32Array.of(1, 2, 3), [1, 3]), b });
    expect([...(one.y.data as Float32Array)]).toEqual([4, 5]);
    const two = await session.run({ a: f32(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), b });
    expect(two.y.dims).toEqual([2, 2]);
    expect([...(two.y.data as Float32Array)]).toEqual([4, 5, 10, 11]);
  });

  it('carries int and ints attributes and float initializers (Conv with bias and pads)', async () => {
    // 1x1x3x3 input, one 3x3 filter of ones, pads 1: each output is the sum of its 3x3 neighbourhood plus bias.
    const session = await ort.InferenceSession.create(encodeModel({
      name: 'conv',
      nodes: [{
        opType: 'Conv', inputs: ['x', 'w', 'bias'], outputs: ['y'],
        attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] }, group: { i: 1 } },
      }],
      inputs: [{ name: 'x', shape: [1, 1, 3, 3] }],
      initializers: [
        { name: 'w', dims: [1, 1, 3, 3], data: new Float32Array(9).fill(1) },
        { name: 'bias', dims: [1], data: Float32Array.of(0.5) },
      ],
      outputs: [{ name: 'y' }],
    }));
    const out = await session.run({ x: f32(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), [1, 1, 3, 3]) });
    expect([...(out.y.data as Float32Array)]).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28].map((v) => v + 0.5));
  });

  it('keeps float attributes as floats (LeakyRelu alpha) and int64 initializers (Reshape shape)', async () => {
    const session = await ort.InferenceSession.create(encodeModel({
      name: 'leaky',
      nodes: [
        { opType: 'LeakyRelu', inputs: ['x'], outputs: ['l'], attributes: { alpha: { f: 0.25 } } },
        { opType: 'Reshape', inputs: ['l', 'shape'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', shape: [4] }],
      initializers: [{ name: 'shape', dims: [2], data: BigInt64Array.of(2n, -1n) }],
      outputs: [{ name: 'y' }],
    }));
    const out = await session.run({ x: f32(Float32Array.of(-4, 0, 2, -1), [4]) });
    expect(out.y.dims).toEqual([2, 2]);
    expect([...(out.y.data as Float32Array)]).toEqual([-1, 0, 2, -0.25]);
  });

  it('decodes back to what was written, with the stated IR version, opset and producer', () => {
    const m = decodeModel(encodeModel({
      ...matMul,
      nodes: [{ opType: 'Softmax', inputs: ['a'], outputs: ['y'], attributes: { axis: { i: -1 }, tag: { s: 'é' }, k: { floats: [0.5] } } }],
    }, { producerVersion: '0.1.0' }));
    expect(m).toMatchObject({ irVersion: ONNX_IR_VERSION, opset: ONNX_OPSET, producerName: 'batchwise', graphName: 'mm' });
    expect(m.nodes).toEqual([{
      opType: 'Softmax', inputs: ['a'], outputs: ['y'], name: 'softmax_0', domain: '',
      attributes: { axis: { i: -1 }, tag: { s: 'é' }, k: { floats: [0.5] } },
    }]);
    expect(m.inputs).toEqual([{ name: 'a', elemType: 1, shape: ['batch', 3] }, { name: 'b', elemType: 1, shape: [3, 2] }]);
    expect(m.outputs).toEqual([{ name: 'y', elemType: 1 }]);
  });

  it('refuses malformed graphs with a message naming what was wrong', () => {
    const bad = (patch: Partial<OnnxGraph>) => () => encodeModel({ ...matMul, ...patch });
    expect(bad({ name: '' })).toThrow(InvalidArgumentError);
    expect(bad({ name: '' })).toThrow('encodeModel: graph name must be a non-empty string, received "".');
    expect(bad({ initializers: [{ name: 'w', dims: [2, 2], data: new Float32Array(3) }] }))
      .toThrow("encodeModel: tensor 'w' data must be a Float32Array or BigInt64Array of 4 values (dims [2,2]), received 3 values.");
    expect(bad({ initializers: [{ name: 'w', dims: [-1], data: new Float32Array(0) }] })).toThrow("encodeModel: tensor 'w' dims must be an integer >= 0, received -1.");
    expect(bad({ nodes: [{ opType: 'Relu', inputs: ['a'], outputs: ['y'], attributes: { k: { f: Number.NaN } } }] }))
      .toThrow("encodeModel: attribute 'k' of node 'relu_0' must hold finite numbers, received NaN.");
    expect(bad({ nodes: [{ opType: 'Relu', inputs: ['a'], outputs: ['y'], attributes: { k: { i: 1.5 } } }] }))
      .toThrow("encodeModel: attribute 'k' of node 'relu_0' must be a safe integer, received 1.5.");
    expect(bad({ inputs: [{ name: 'a', shape: [2.5] }] })).toThrow("encodeModel: value 'a' shape must be an integer >= 0, received 2.5.");
    expect(() => encodeModel(matMul, { opset: 0 })).toThrow('encodeModel: opset must be an integer >= 1, received 0.');
  });
});

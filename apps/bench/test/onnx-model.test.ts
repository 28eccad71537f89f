import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../src/onnx/model.js';
import { onnxGraph } from '../src/onnx/graphs.js';
import { ProtoWriter } from '../src/onnx/protobuf.js';
import { ACT_SHAPE, BN_EPSILON, hwioToOihw, nhwcToNchw, randomData, uniformData } from '../src/kernels/cases.js';

// float32 results of short sums; a looser bound for the 50k-element reductions of the batch-norm graph.
const TIGHT = 1e-5;
const REDUCTION = 2e-3;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol + tol * Math.abs(expected[i]))) throw new Error(`index ${i}: expected ${expected[i]}, received ${actual[i]}`);
  }
}

const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);

describe('ProtoWriter', () => {
  it('writes varints, negative int64 and fixed32 floats as the wire format specifies', () => {
    expect([...new ProtoWriter().int(1, 300).finish()]).toEqual([0x08, 0xac, 0x02]);
    expect([...new ProtoWriter().int(2, -1).finish()]).toEqual([0x10, ...Array(9).fill(0xff), 0x01]);
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtoWriter().string(1, 'ab').finish()]).toEqual([0x0a, 0x02, 0x61, 0x62]);
    expect([...new ProtoWriter().message(7, (w) => w.int(1, 1)).finish()]).toEqual([0x3a, 0x02, 0x08, 0x01]);
  });
});

describe('encodeModel', () => {
  it('builds a MatMul model that onnxruntime loads and computes', async () => {
    const session = await ort.InferenceSession.create(
      encodeModel({
        name: 'mm',
        nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [3, 2] }],
        outputs: [{ name: 'y' }],
      }),
    );
    const out = await session.run({ a: f32(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]), b: f32(Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]) });
    expect(out.y.dims).toEqual([2, 2]);
    expect([...(out.y.data as Float32Array)]).toEqual([4, 5, 10, 11]);
  });

  it('carries float, int and ints attributes and float initializers (Conv with bias, pads)', async () => {
    // 1x1x3x3 input, one 3x3 filter of ones, pads 1: each output is the sum of its 3x3 neighbourhood plus bias.
    const session = await ort.InferenceSession.create(
      encodeModel({
        name: 'conv',
        nodes: [{
          opType: 'Conv',
          inputs: ['x', 'w', 'bias'],
          outputs: ['y'],
          attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] }, group: { i: 1 } },
        }],
        inputs: [{ name: 'x', shape: [1, 1, 3, 3] }],
        initializers: [
          { name: 'w', shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1) },
          { name: 'bias', shape: [1], data: Float32Array.of(0.5) },
        ],
        outputs: [{ name: 'y' }],
      }),
    );
    const out = await session.run({ x: f32(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), [1, 1, 3, 3]) });
    expectClose(out.y.data as Float32Array, [12, 21, 16, 27, 45, 33, 24, 39, 28].map((v) => v + 0.5), TIGHT);
  });

  it('keeps LeakyRelu alpha as a float attribute', async () => {
    const session = await ort.InferenceSession.create(
      encodeModel({
        name: 'leaky',
        nodes: [{ opType: 'LeakyRelu', inputs: ['x'], outputs: ['y'], attributes: { alpha: { f: 0.25 } } }],
        inputs: [{ name: 'x', shape: [3] }],
        outputs: [{ name: 'y' }],
      }),
    );
    const out = await session.run({ x: f32(Float32Array.of(-4, 0, 2), [3]) });
    expect([...(out.y.data as Float32Array)]).toEqual([-1, 0, 2]);
  });
});

describe('benchmark graphs', () => {
  it('batch-norm fwd+bwd from basic operators matches a float64 reference', async () => {
    const graph = onnxGraph('batchNormTrainingBackward');
    if ('unavailable' in graph) throw new Error(graph.unavailable);
    const [n, h, w, c] = ACT_SHAPE;
    const x = randomData(ACT_SHAPE, 1);
    const dy = randomData(ACT_SHAPE, 2);
    const gamma = uniformData(c, 0.5, 1.5, 3);
    const beta = uniformData(c, -0.5, 0.5, 4);
    const session = await ort.InferenceSession.create(encodeModel(graph));
    const out = await session.run({ x: f32(x, ACT_SHAPE), dy: f32(dy, ACT_SHAPE), gamma: f32(gamma, [c]), beta: f32(beta, [c]) });
    // Reference: per channel, biased variance, dx = gamma*invStd*(dy - mean(dy) - xhat*mean(dy*xhat)).
    const rows = n * h * w;
    const y = new Float64Array(x.length);
    const dx = new Float64Array(x.length);
    const dgamma = new Float64Array(c);
    const dbeta = new Float64Array(c);
    for (let ch = 0; ch < c; ch++) {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += x[r * c + ch];
      mean /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (x[r * c + ch] - mean) ** 2;
      const inv = 1 / Math.sqrt(v / rows + BN_EPSILON);
      let sdy = 0;
      let sdyx = 0;
      for (let r = 0; r < rows; r++) {
        const xhat = (x[r * c + ch] - mean) * inv;
        y[r * c + ch] = xhat * gamma[ch] + beta[ch];
        sdy += dy[r * c + ch];
        sdyx += dy[r * c + ch] * xhat;
      }
      dgamma[ch] = sdyx;
      dbeta[ch] = sdy;
      for (let r = 0; r < rows; r++) {
        const xhat = (x[r * c + ch] - mean) * inv;
        dx[r * c + ch] = gamma[ch] * inv * (dy[r * c + ch] - sdy / rows - (xhat * sdyx) / rows);
      }
    }
    expectClose(out.y.data as Float32Array, y, REDUCTION);
    expectClose(out.dx.data as Float32Array, dx, REDUCTION);
    expectClose(out.dgamma.data as Float32Array, dgamma, REDUCTION);
    expectClose(out.dbeta.data as Float32Array, dbeta, REDUCTION);
  });

  it('says why onnxruntime has no conv filter gradient', () => {
    expect(onnxGraph('conv2dBackpropFilter')).toEqual({ unavailable: 'onnxruntime-node has no gradient kernels (inference only)' });
  });
});

describe('layout conversions', () => {
  it('moves NHWC to NCHW and HWIO to OIHW', () => {
    // NHWC [1,1,2,3]: pixel 0 = (0,1,2), pixel 1 = (3,4,5) -> NCHW channel-major.
    expect([...nhwcToNchw(Float32Array.of(0, 1, 2, 3, 4, 5), [1, 1, 2, 3])]).toEqual([0, 3, 1, 4, 2, 5]);
    // HWIO [1,1,2,3] -> OIHW [3,2,1,1]: element (i, o) moves to o*2 + i.
    expect([...hwioToOihw(Float32Array.of(0, 1, 2, 3, 4, 5), [1, 1, 2, 3])]).toEqual([0, 3, 1, 4, 2, 5]);
  });
});

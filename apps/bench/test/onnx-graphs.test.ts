import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '@batchwise/onnx-codec';
import { onnxGraph } from '../src/onnx/graphs.js';
import { ACT_SHAPE, BN_EPSILON, hwioToOihw, nhwcToNchw, randomData, uniformData } from '../src/kernels/cases.js';

// A loose bound for the 50k-element float32 reductions of the batch-norm graph.
const REDUCTION = 2e-3;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol + tol * Math.abs(expected[i]))) throw new Error(`index ${i}: expected ${expected[i]}, received ${actual[i]}`);
  }
}

const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);

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

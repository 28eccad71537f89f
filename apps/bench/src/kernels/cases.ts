import { Random } from '@batchwise/core';
import type { KernelCase, KernelId } from '../types.js';

/*
 * The benchmarked shapes (issue 4) and their work counts. FLOPs count a
 * multiply-add as 2. Bytes are the compulsory traffic of float32 data: every
 * input read once and every output written once, which is what a kernel
 * that streams its data the minimum number of times moves (README: "Method").
 */

export const MATMUL = { m: 1024, k: 1024, n: 1024 } as const;
/** conv2d 3x3 'same', stride 1: NHWC x [32,28,28,32], HWIO filter [3,3,32,64]. */
export const CONV = { batch: 32, height: 28, width: 28, inChannels: 32, outChannels: 64, kernel: 3 } as const;
/** Batch norm and max pooling input, NHWC [64,28,28,32] (6.4 MB of float32). */
export const ACTIVATION = { batch: 64, height: 28, width: 28, channels: 32 } as const;
/** Keras default epsilon. */
export const BN_EPSILON = 1e-3;
export const POOL = 2;

export const CONV_X_SHAPE = [CONV.batch, CONV.height, CONV.width, CONV.inChannels] as const;
export const CONV_Y_SHAPE = [CONV.batch, CONV.height, CONV.width, CONV.outChannels] as const;
export const CONV_FILTER_SHAPE = [CONV.kernel, CONV.kernel, CONV.inChannels, CONV.outChannels] as const;
export const ACT_SHAPE = [ACTIVATION.batch, ACTIVATION.height, ACTIVATION.width, ACTIVATION.channels] as const;
export const POOLED_SHAPE = [ACTIVATION.batch, ACTIVATION.height / POOL, ACTIVATION.width / POOL, ACTIVATION.channels] as const;

const F32 = 4;
const convFlops = 2 * CONV.batch * CONV.height * CONV.width * CONV.outChannels * CONV.kernel * CONV.kernel * CONV.inChannels;
const actElems = ACT_SHAPE.reduce((a, b) => a * b, 1);
const pooledElems = POOLED_SHAPE.reduce((a, b) => a * b, 1);
const fmt = (s: readonly number[]) => `[${s.join(',')}]`;
const convShape = `x ${fmt(CONV_X_SHAPE)}, filter ${fmt(CONV_FILTER_SHAPE)}, same`;

export const KERNEL_CASES: readonly KernelCase[] = [
  { id: 'matMul', label: 'matMul', shape: `${MATMUL.m}x${MATMUL.k} * ${MATMUL.k}x${MATMUL.n}`, flops: 2 * MATMUL.m * MATMUL.k * MATMUL.n },
  { id: 'conv2d', label: 'conv2d', shape: convShape, flops: convFlops },
  { id: 'conv2dBackpropInput', label: 'conv2dBackpropInput', shape: convShape, flops: convFlops },
  { id: 'conv2dBackpropFilter', label: 'conv2dBackpropFilter', shape: convShape, flops: convFlops },
  // Forward: read x, write y. Backward adds: read dy and x, write dx.
  { id: 'batchNormTraining', label: 'batchNorm train fwd', shape: fmt(ACT_SHAPE), bytes: 2 * actElems * F32 },
  { id: 'batchNormTrainingBackward', label: 'batchNorm train fwd+bwd', shape: fmt(ACT_SHAPE), bytes: 5 * actElems * F32 },
  { id: 'batchNormInference', label: 'batchNorm inference', shape: fmt(ACT_SHAPE), bytes: 2 * actElems * F32 },
  // Forward: read x, write y. Backward: read dy, write dx.
  { id: 'maxPool', label: 'maxPool 2x2', shape: fmt(ACT_SHAPE), bytes: (actElems + pooledElems) * F32 },
  // Inference: y without argmax (tfjs's maxPool never computes one, so both contenders run their forward).
  { id: 'maxPoolInference', label: 'maxPool 2x2 inference', shape: fmt(ACT_SHAPE), bytes: (actElems + pooledElems) * F32 },
  { id: 'maxPoolBackward', label: 'maxPool 2x2 bwd', shape: fmt(ACT_SHAPE), bytes: (actElems + pooledElems) * F32 },
];

export function kernelCase(id: KernelId): KernelCase {
  const found = KERNEL_CASES.find((k) => k.id === id);
  if (!found) throw new RangeError(`kernelCase: id must be one of ${KERNEL_CASES.map((k) => k.id).join(', ')}, received '${id}'.`);
  return found;
}

/** Seeded standard-normal data; every contender gets inputs from the same seeds. */
export function randomData(shape: readonly number[], seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** Uniform data in [low, high), e.g. positive variances and scales. */
export function uniformData(length: number, low: number, high: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(low, high);
  return out;
}

/** NHWC -> NCHW copy, for onnxruntime whose Conv, BatchNormalization and MaxPool take NCHW. */
export function nhwcToNchw(data: Float32Array, shape: readonly number[]): Float32Array {
  const [n, h, w, c] = shape;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + x] = data[((b * h + y) * w + x) * c + ch];
  return out;
}

/** HWIO -> OIHW filter copy for onnxruntime. */
export function hwioToOihw(data: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, ci, co] = shape;
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return out;
}

import { Tensor, type Backend } from '@batchwise/core';
import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor } from '@batchwise/onnx-codec';
import type { Outputs } from '../cases/comparison.js';
import { EXACT, type Tolerance } from '../tolerance.js';
import { asArray, asTensor, filterToHwio, toChannelsLast } from './layout.js';
import type { OnnxOp } from './vectors.js';
import { describeWindows, matchPadding, type OnnxWindowAttrs } from './windows.js';

/** ONNX's own backend-test runner compares with rtol 1e-3, atol 1e-7; the vectors are held to the same. */
export const ONNX_TOLERANCE: Tolerance = { atol: 1e-7, rtol: 1e-3 };

/** A vector loaded from disk: its model, and its tensors looked up by graph name. */
export interface LoadedVector {
  model: OnnxModel;
  node: OnnxNode;
  value(name: string): OnnxTensor | undefined;
  /** Expected outputs of the graph, in order. */
  outputs: OnnxTensor[];
}

export type HandlerResult = { received: Outputs; expected: Outputs; tolerance: Tolerance | Record<string, Tolerance> } | { skipped: string };

type Attr = OnnxAttribute | undefined;
const ints = (v: Attr, fallback: number[]): number[] => (v && 'ints' in v ? [...v.ints] : fallback);
const num = (v: Attr, fallback: number): number => (v && 'i' in v ? v.i : v && 'f' in v ? v.f : fallback);
const attrsOf = (node: OnnxNode): Readonly<Record<string, OnnxAttribute>> => node.attributes ?? {};
const tensorOf = (t: OnnxTensor): Tensor => asTensor(asArray(t));

function windowAttrs(node: OnnxNode, kernel: number[]): OnnxWindowAttrs {
  const a = attrsOf(node);
  const rank = kernel.length;
  return {
    kernel,
    strides: ints(a.strides, new Array(rank).fill(1)),
    dilations: ints(a.dilations, new Array(rank).fill(1)),
    pads: ints(a.pads, new Array(2 * rank).fill(0)),
    autoPad: a.auto_pad && 's' in a.auto_pad ? a.auto_pad.s : 'NOTSET',
    ceilMode: num(a.ceil_mode, 0) === 1,
  };
}

function conv(b: Backend, v: LoadedVector): HandlerResult {
  const [xName, wName, biasName] = v.node.inputs;
  const x = v.value(xName)!;
  const w = v.value(wName)!;
  if (num(attrsOf(v.node).group, 1) !== 1) return { skipped: 'group > 1' };
  const attrs = windowAttrs(v.node, ints(attrsOf(v.node).kernel_shape, w.dims.slice(2)));
  const spatial = x.dims.slice(2);
  const padding = matchPadding(spatial, attrs);
  if (!padding) return { skipped: `no padding mode matches: ${describeWindows(spatial, attrs)}` };
  let y = b.conv2d(asTensor(toChannelsLast(x)), asTensor(filterToHwio(w)), {
    strides: [attrs.strides[0], attrs.strides[1]], padding, dilations: [attrs.dilations[0], attrs.dilations[1]],
  });
  const bias = biasName ? v.value(biasName) : undefined;
  if (bias) y = b.biasAdd(y, tensorOf(bias));
  return { received: { y }, expected: { y: toChannelsLast(v.outputs[0]) }, tolerance: ONNX_TOLERANCE };
}

function batchNorm(b: Backend, v: LoadedVector): HandlerResult {
  const [x, gamma, beta, mean, variance] = v.node.inputs.map((n) => v.value(n)!);
  const epsilon = num(attrsOf(v.node).epsilon, 1e-5);
  const xs = asTensor(toChannelsLast(x));
  const expected: Outputs = { y: toChannelsLast(v.outputs[0]) };
  if (num(attrsOf(v.node).training_mode, 0) !== 1) {
    const y = b.batchNormInference(xs, { mean: tensorOf(mean), variance: tensorOf(variance), gamma: tensorOf(gamma), beta: tensorOf(beta), epsilon });
    return { received: { y }, expected, tolerance: ONNX_TOLERANCE };
  }
  // ONNX: running = momentum * running + (1 - momentum) * batch (biased variance), as Keras; computed with the backend's ops.
  const momentum = num(attrsOf(v.node).momentum, 0.9);
  const r = b.batchNormTraining(xs, tensorOf(gamma), tensorOf(beta), { epsilon });
  const moving = (old: OnnxTensor, batch: Tensor) => b.add(b.mulScalar(tensorOf(old), momentum), b.mulScalar(batch, 1 - momentum));
  const received: Outputs = { y: r.y };
  if (v.outputs[1]) {
    received.runningMean = moving(mean, r.mean);
    expected.runningMean = asArray(v.outputs[1]);
  }
  if (v.outputs[2]) {
    received.runningVar = moving(variance, r.variance);
    expected.runningVar = asArray(v.outputs[2]);
  }
  return { received, expected, tolerance: ONNX_TOLERANCE };
}

/** Our NHWC flat argmax as ONNX's NCHW flat index (row-major, or column-major H/W with storage_order 1). */
function onnxArgmax(argmax: Int32Array, [n, h, w, c]: number[], columnMajor: boolean): Float64Array {
  return Float64Array.from(argmax, (i) => {
    const ch = i % c;
    const x = Math.floor(i / c) % w;
    const y = Math.floor(i / (c * w)) % h;
    const b = Math.floor(i / (c * w * h));
    return (b * c + ch) * h * w + (columnMajor ? x * h + y : y * w + x);
  });
}

function maxPool(b: Backend, v: LoadedVector): HandlerResult {
  const x = v.value(v.node.inputs[0])!;
  if (x.dims.length !== 4) return { skipped: `rank-${x.dims.length} input: maxPool is 2-D` };
  const global = v.node.opType === 'GlobalMaxPool';
  const attrs = windowAttrs(v.node, global ? x.dims.slice(2) : ints(attrsOf(v.node).kernel_shape, []));
  if (attrs.dilations.some((d) => d !== 1)) return { skipped: 'dilated pooling' };
  const padding = matchPadding(x.dims.slice(2), attrs);
  if (!padding) return { skipped: `no padding mode matches: ${describeWindows(x.dims.slice(2), attrs)}` };
  const xs = asTensor(toChannelsLast(x));
  const r = b.maxPool(xs, { poolSize: [attrs.kernel[0], attrs.kernel[1]], strides: [attrs.strides[0], attrs.strides[1]], padding });
  const received: Outputs = { y: r.y };
  const expected: Outputs = { y: toChannelsLast(v.outputs[0]) };
  if (v.outputs[1]) {
    received.argmax = onnxArgmax(r.argmax, xs.shape as number[], num(attrsOf(v.node).storage_order, 0) === 1);
    expected.argmax = toChannelsLast(v.outputs[1]).data;
  }
  return { received, expected, tolerance: { y: ONNX_TOLERANCE, argmax: EXACT } };
}

/** Broadcasts Gemm's C (scalar, [N], [1,N], [M,1] or [M,N]) to [M,N]: data preparation, not a kernel under test. */
function broadcastTo(c: OnnxTensor, m: number, n: number): Tensor {
  const dims = c.dims.length === 1 ? [1, c.dims[0]] : c.dims.length === 0 ? [1, 1] : c.dims;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = c.values[(dims[0] === 1 ? 0 : i) * dims[1] + (dims[1] === 1 ? 0 : j)];
  }
  return new Tensor(out, [m, n]);
}

/** Gemm (Y = alpha op(A) op(B) + beta C) and the Transpose + MatMul graph of a bias-free Linear. */
function gemm(b: Backend, v: LoadedVector): HandlerResult {
  const values = new Map<string, Tensor>();
  const get = (name: string) => values.get(name) ?? tensorOf(v.value(name)!);
  for (const node of v.model.nodes) {
    const a = attrsOf(node);
    let y: Tensor;
    if (node.opType === 'Transpose') y = b.transpose(get(node.inputs[0]), ints(a.perm, [1, 0]));
    else if (node.opType === 'MatMul') y = b.matMul(get(node.inputs[0]), get(node.inputs[1]));
    else if (node.opType === 'Gemm') {
      y = b.matMul(get(node.inputs[0]), get(node.inputs[1]), { transposeA: num(a.transA, 0) === 1, transposeB: num(a.transB, 0) === 1 });
      const alpha = num(a.alpha, 1);
      const beta = num(a.beta, 1);
      if (alpha !== 1) y = b.mulScalar(y, alpha);
      const cName = node.inputs[2];
      if (cName) {
        let c = broadcastTo(v.value(cName)!, y.shape[0], y.shape[1]);
        if (beta !== 1) c = b.mulScalar(c, beta);
        y = b.add(y, c);
      }
    } else return { skipped: `op ${node.opType} in the graph` };
    values.set(node.outputs[0], y);
  }
  const y = values.get(v.model.nodes[v.model.nodes.length - 1].outputs[0])!;
  return { received: { y }, expected: { y: asArray(v.outputs[0]) }, tolerance: ONNX_TOLERANCE };
}

function softmax(b: Backend, v: LoadedVector): HandlerResult {
  const x = v.value(v.node.inputs[0])!;
  const rank = x.dims.length;
  // Before opset 13 the default axis is 1 and the input is flattened to 2-D there; from 13 on it is one axis, default -1.
  let axis = num(attrsOf(v.node).axis, v.model.opset < 13 ? 1 : -1);
  if (axis < 0) axis += rank;
  if (axis !== rank - 1) return { skipped: `softmax over axis ${axis} of rank ${rank}` };
  return { received: { y: b.softmax(tensorOf(x)) }, expected: { y: asArray(v.outputs[0]) }, tolerance: ONNX_TOLERANCE };
}

function relu(b: Backend, v: LoadedVector): HandlerResult {
  const x = v.value(v.node.inputs[0])!;
  return { received: { y: b.relu(tensorOf(x)) }, expected: { y: asArray(v.outputs[0]) }, tolerance: EXACT };
}

function dropout(b: Backend, v: LoadedVector): HandlerResult {
  const [xName, ratioName, trainingName] = v.node.inputs;
  const x = v.value(xName)!;
  const ratio = ratioName ? v.value(ratioName)!.values[0] : num(attrsOf(v.node).ratio, 0.5);
  const training = trainingName ? v.value(trainingName)!.values[0] === 1 : false;
  if (training && ratio > 0) return { skipped: 'random training mask' };
  // Inference (or ratio 0): the identity, which the kernel gives at rate 0 with an all-ones mask.
  const r = b.dropout(tensorOf(x), { rate: 0, seed: num(attrsOf(v.node).seed, 0) });
  const received: Outputs = { y: r.y };
  const expected: Outputs = { y: asArray(v.outputs[0]) };
  if (v.outputs[1]) {
    received.mask = Float64Array.from(r.mask.data, (m) => (m !== 0 ? 1 : 0));
    expected.mask = asArray(v.outputs[1]);
  }
  return { received, expected, tolerance: EXACT };
}

export const HANDLERS: Record<OnnxOp, (b: Backend, v: LoadedVector) => HandlerResult> = {
  Conv: conv, BatchNormalization: batchNorm, MaxPool: maxPool, Gemm: gemm, Softmax: softmax, Relu: relu, Dropout: dropout,
};

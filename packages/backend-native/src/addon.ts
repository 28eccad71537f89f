import { createRequire } from 'node:module';
import { locateAddon, recordedBuildFailure } from './locate-addon.js';

/*
 * Loads the compiled addon (found by locate-addon.ts). Loading never throws
 * at import time: the first use reports a one-line reason (no addon for this
 * platform and why, a load error, or a bad BATCHWISE_ISA), which the registry
 * shows in listBackends() while batchwise falls back to cpu.
 */

type F32 = Float32Array;
type Dims = readonly number[];
/** A window's 17 geometry numbers (validated.ts's geometryArgs): a Float64Array reaches C++ in one N-API call. */
type Geometry = Dims | Float64Array;

/** Which variant of each kernel family runs: 'scalar'/'libm', 'avx2' or 'avx512' (gemm names its tile too). */
export interface KernelTable {
  isa: string;
  gemm: string;
  convMicro: string;
  vecMath: string;
  batchNormRows: string;
  batchNormReluRows: string;
  maxPoolRows: string;
  optimizerRows: string;
}

/** The raw entry points of the addon. Outputs are preallocated by the caller; every entry re-validates. */
export interface NativeAddon {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  getIsa(): string;
  getIsaError(): string;
  getGemmKernel(): string;
  getAllocator(): string;
  getCpuFeatures(): { avx2: boolean; avx512: boolean };
  /** The variant of each kernel family chosen at load (one dispatch table, built once). */
  getKernelTable(): KernelTable;

  matMul(a: F32, aShape: Dims, b: F32, bShape: Dims, transposeA: boolean, transposeB: boolean, out: F32): void;
  transpose(x: F32, xShape: Dims, perm: Dims, out: F32): void;
  conv2d(x: F32, xShape: Dims, f: F32, fShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry, y: F32): void;
  conv2dBackpropInput(dy: F32, dyShape: Dims, f: F32, fShape: Dims, inputShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry, dx: F32): void;
  conv2dBackpropFilter(x: F32, xShape: Dims, dy: F32, dyShape: Dims, filterShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry, df: F32): void;
  batchNormTraining(x: F32, xShape: Dims, gamma: F32, beta: F32, epsilon: number, y: F32, mean: F32, variance: F32, invStd: F32): void;
  batchNormInference(x: F32, xShape: Dims, mean: F32, variance: F32, gamma: F32, beta: F32, epsilon: number, y: F32): void;
  batchNormBackward(dy: F32, dyShape: Dims, x: F32, gamma: F32, mean: F32, invStd: F32, dx: F32, dgamma: F32, dbeta: F32): void;
  maxPool(x: F32, xShape: Dims, poolSize: Dims, strides: Dims, padding: string, geometry: Geometry, y: F32, argmax: Int32Array): void;
  maxPoolBackward(dy: F32, dyShape: Dims, argmax: Int32Array, inputShape: Dims, dx: F32): void;
  biasAdd(x: F32, xShape: Dims, bias: F32, y: F32): void;
  biasGrad(dy: F32, dyShape: Dims, out: F32): void;
  softmax(x: F32, xShape: Dims, y: F32): void;
  softmaxBackward(dy: F32, y: F32, shape: Dims, dx: F32): void;
  dropout(x: F32, rate: number, seed: number, y: F32, mask: F32): void;
  dropoutBackward(dy: F32, mask: F32, dx: F32): void;
  addScalar(x: F32, s: number, y: F32): void;
  mulScalar(x: F32, s: number, y: F32): void;
  clip(x: F32, min: number, max: number, y: F32): void;
  sum(x: F32, xShape: Dims, axes: Dims, out: F32): void;
  mean(x: F32, xShape: Dims, axes: Dims, out: F32): void;
  max(x: F32, xShape: Dims, axes: Dims, out: F32): void;
  argMax(x: F32, xShape: Dims, out: F32): void;
  softmaxCrossEntropy(logits: F32, labels: F32, shape: Dims, loss: F32, dlogits: F32): void;
  sgdUpdate(param: F32, grad: F32, velocity: F32 | null, learningRate: number, momentum: number, nesterov: boolean): void;
  adamUpdate(param: F32, grad: F32, m: F32, v: F32, learningRate: number, beta1: number, beta2: number, epsilon: number, step: number): void;
  equal(a: F32, b: F32, out: F32): void;
  greater(a: F32, b: F32, out: F32): void;
  /** axis is resolved (non-negative). */
  broadcastBinary(x: F32, xShape: Dims, v: F32, op: string, axis: number, y: F32): void;
  gather(x: F32, xShape: Dims, indices: Int32Array, axis: number, out: F32): void;
  /** One part of a concat: part [outer, block] into columns [offset, offset + block) of out [outer, outBlock]. */
  concatInto(part: F32, outer: number, block: number, out: F32, outBlock: number, offset: number): void;
  oneHot(indices: F32, depth: number, out: F32): void;
  assign(target: F32, source: F32): void;
  axpby(y: F32, x: F32, alpha: number, beta: number): void;
  batchNormReluTraining(x: F32, xShape: Dims, gamma: F32, beta: F32, epsilon: number, y: F32, mean: F32, variance: F32, invStd: F32): void;
  batchNormReluPoolTraining(
    x: F32, xShape: Dims, gamma: F32, beta: F32, epsilon: number, poolSize: Dims, strides: Dims, padding: string, geometry: Geometry,
    y: F32, argmax: Int32Array, mean: F32, variance: F32, invStd: F32,
  ): void;
  conv2dBatchNormRelu(
    x: F32, xShape: Geometry, f: F32, fShape: Geometry, strides: Geometry, padding: string, dilations: Geometry, geometry: Geometry,
    mean: F32, variance: F32, gamma: F32, beta: F32, epsilon: number, y: F32,
  ): void;
  conv2dBatchNormReluPool(
    x: F32, xShape: Geometry, f: F32, fShape: Geometry, strides: Geometry, padding: string, dilations: Geometry, geometry: Geometry,
    mean: F32, variance: F32, gamma: F32, beta: F32, epsilon: number, poolSize: Geometry, poolStrides: Geometry, poolPadding: string, poolGeometry: Geometry, y: F32,
  ): void;
  conv2dBatchNormReluTraining(
    x: F32, xShape: Dims, f: F32, fShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry,
    gamma: F32, beta: F32, epsilon: number, z: F32, y: F32, mean: F32, variance: F32, invStd: F32,
  ): void;
  conv2dBatchNormReluPoolTraining(
    x: F32, xShape: Dims, f: F32, fShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry,
    gamma: F32, beta: F32, epsilon: number, poolSize: Dims, poolStrides: Dims, poolPadding: string, poolGeometry: Geometry,
    z: F32, y: F32, argmax: Int32Array, mean: F32, variance: F32, invStd: F32,
  ): void;
  batchNormReluBackward(dy: F32, dyShape: Dims, x: F32, gamma: F32, mean: F32, invStd: F32, y: F32, dx: F32, dgamma: F32, dbeta: F32): void;
  batchNormReluPoolBackward(
    dy: F32, dyShape: Dims, x: F32, xShape: Dims, gamma: F32, mean: F32, invStd: F32, y: F32, argmax: Int32Array,
    poolSize: Dims, strides: Dims, padding: string, geometry: Geometry, dx: F32, dgamma: F32, dbeta: F32,
  ): void;
  conv2dBatchNormReluBackwardFilter(
    input: F32, inputShape: Dims, f: F32, fShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry,
    dy: F32, dyShape: Dims, z: F32, gamma: F32, mean: F32, invStd: F32, y: F32, dfilter: F32, dgamma: F32, dbeta: F32,
  ): void;
  conv2dBatchNormReluPoolBackwardFilter(
    input: F32, inputShape: Dims, f: F32, fShape: Dims, strides: Dims, padding: string, dilations: Dims, geometry: Geometry,
    dy: F32, dyShape: Dims, z: F32, gamma: F32, mean: F32, invStd: F32, y: F32, argmax: Int32Array, poolSize: Dims, poolStrides: Dims, poolPadding: string, poolGeometry: Geometry,
    dfilter: F32, dgamma: F32, dbeta: F32,
  ): void;
}

/** The long kernels also have a `<name>Async` entry: same arguments, checked at once, run on a worker. */
export type AsyncEntry = 'matMul' | 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'batchNormTraining' | 'batchNormBackward';
type AsyncEntries = {
  [K in AsyncEntry as `${K}Async`]: (...args: Parameters<NativeAddon[K]>) => Promise<void>;
};

/** Unary (x, y), activation-gradient (dy, y, dx) and binary (a, b, out) entries share signatures. */
export type UnaryEntry = 'relu' | 'sigmoid' | 'tanh' | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square';
export type GradEntry = 'reluBackward' | 'sigmoidBackward' | 'tanhBackward';
export type BinaryEntry = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';
export type FullAddon = NativeAddon &
  AsyncEntries &
  Record<UnaryEntry, (x: F32, y: F32) => void> &
  Record<GradEntry, (dy: F32, y: F32, dx: F32) => void> &
  Record<BinaryEntry, (a: F32, b: F32, out: F32) => void>;

let loaded: { addon: FullAddon; path: string } | { error: Error } | undefined;

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? 'unknown reason';
}

function load(): { addon: FullAddon; path: string } {
  const path = locateAddon();
  let addon: FullAddon;
  try {
    addon = createRequire(import.meta.url)(path) as FullAddon;
  } catch (e) {
    // e.g. a prebuilt binary needing a newer glibc than this system's; the install script then tried a build too.
    const failure = recordedBuildFailure();
    const also = failure === null ? '' : ` (building it from source failed too: ${failure})`;
    throw new Error(`native addon failed to load: ${firstLine(e instanceof Error ? e.message : String(e))}${also}`);
  }
  const isaError = addon.getIsaError();
  if (isaError) throw new Error(isaError);
  return { addon, path };
}

/** The addon, loaded once; throws (every time) with the one-line reason if it cannot be used. */
export function loadAddon(): FullAddon {
  if (!loaded) {
    try {
      loaded = load();
    } catch (e) {
      loaded = { error: e instanceof Error ? e : new Error(String(e)) };
    }
  }
  if ('error' in loaded) throw loaded.error;
  return loaded.addon;
}

/** The file the addon was loaded from (build/Release or prebuilds/<platform>-<arch>/); throws like loadAddon. */
export function loadedAddonPath(): string {
  loadAddon();
  return (loaded as { path: string }).path;
}

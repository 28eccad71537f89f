import { InvalidArgumentError, Tensor, assertOneOf, assertPositiveInt, describeValue } from '@batchwise/core';
import type { LayerVariable } from '../engine/layer.js';
import { readValues } from '../engine/values.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { LayersModel } from '../models/layers-model.js';
import { CONVENTIONS, CONVENTION_NAMES, momentumToOurs, varianceToBiasedFactor, type Convention } from './conventions.js';
import { hwioToOihw, oihwToHwio, reorderFlattenRows, transpose2d } from './layout.js';
import { groupModules, pairModules, targetLayers, type SourceModule, type TargetLayer } from './modules.js';
import type { StateDict, StateTensor } from './npz.js';

export interface LoadStateDictOptions {
  /** Whose conventions the state dict follows. Default 'pytorch'. */
  convention?: Convention;
  /** The source's batch-norm momentum, in its own convention (PyTorch 0.1, null for None; ONNX 0.9). Default: the convention's. */
  momentum?: number | null;
  /** The source's batch-norm epsilon. Default 1e-5 (PyTorch and ONNX). */
  epsilon?: number;
  /**
   * 'as-is' (default) keeps the running variance, so the model predicts exactly as the source did;
   * 'biased' converts PyTorch's unbiased running variance to the Keras convention by (N - 1) / N.
   */
  variance?: 'as-is' | 'biased';
  /** Samples per training batch in the source, for variance 'biased' (N = batchSize × positions per feature). */
  batchSize?: number;
  /** Where each conversion step is reported. Default console.log. */
  log?: (line: string) => void;
}

interface Pending {
  variable: LayerVariable;
  values: Float32Array;
}

/**
 * Loads a state dict into a model whose layers with weights match the state dict's modules in
 * order (see modules.ts), translating layouts and batch-norm conventions; every step is logged.
 * Nothing is written unless every module translates. Returns the log lines.
 */
export function loadStateDict(model: LayersModel, dict: StateDict, options: LoadStateDictOptions = {}): string[] {
  const fn = 'loadStateDict';
  const o = resolve(fn, options);
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    o.log(line);
  };
  say(`${o.convention} -> batchwise: NCHW/OIHW/[out,in] -> NHWC/HWIO/[in,out]; batch norm momentum ${String(o.momentum)} -> ${String(momentumToOurs(o.convention, o.momentum))}, epsilon ${o.epsilon}, running variance ${o.variance}`);
  const pending: Pending[] = [];
  const after: (() => void)[] = [];
  for (const [m, t] of pairModules(fn, groupModules(fn, dict), targetLayers(fn, model))) {
    const take = (param: string, variable: LayerVariable | null, transform: (d: Float32Array, shape: number[]) => Float32Array, shapeOf: (shape: number[]) => number[], note: string) => {
      const src = m.params.get(param);
      m.params.delete(param);
      if (variable && !src) throw new InvalidArgumentError(`${fn}: '${m.name}.${param}' must be present for '${variable.fullName}', received none.`);
      if (src && !variable) throw new InvalidArgumentError(`${fn}: '${m.name}.${param}' must be absent: layer '${t.layer.name}' has no ${param} (bias, center or scale off), received [${src.shape.join(',')}].`);
      if (!src || !variable) return;
      checkShape(fn, `${m.name}.${param}`, src, shapeOf(src.shape), variable);
      pending.push({ variable, values: transform(src.values as Float32Array, src.shape) });
      say(`  ${m.name}.${param} [${src.shape.join(',')}] -> ${variable.fullName} [${variable.shape.join(',')}]${note}`);
    };
    const same = (d: Float32Array) => d;
    const id = (s: number[]) => s;
    if (t.kind === 'linear') {
      const flat = t.flattenFrom;
      take('weight', (t.layer as never as { kernel: LayerVariable }).kernel, (d, [out, inn]) => (flat ? reorderFlattenRows(transpose2d(d, out, inn), flat, out, true) : transpose2d(d, out, inn)), ([out, inn]) => [inn, out],
        flat ? ` (transposed; rows reordered from the (C,H,W) flatten of [${flat}] to (H,W,C))` : ' (transposed)');
      take('bias', (t.layer as never as { bias: LayerVariable | null }).bias, same, id, '');
    } else if (t.kind === 'conv') {
      take('weight', (t.layer as never as { kernel: LayerVariable }).kernel, (d, s) => oihwToHwio(d, s), ([o2, i, h, w]) => [h, w, i, o2], ' (OIHW -> HWIO)');
      take('bias', (t.layer as never as { bias: LayerVariable | null }).bias, same, id, '');
    } else {
      after.push(takeBatchNorm(fn, m, t, o, take, say));
    }
    const left = [...m.params.keys()];
    if (left.length > 0) throw new InvalidArgumentError(`${fn}: module '${m.name}' has parameters batchwise cannot place in layer '${t.layer.name}': ${left.join(', ')}.`);
  }
  for (const p of pending) p.variable.assign(new Tensor(p.values, p.variable.shape), fn);
  after.forEach((f) => f());
  return lines;
}

type Take = (param: string, variable: LayerVariable | null, transform: (d: Float32Array, shape: number[]) => Float32Array, shapeOf: (s: number[]) => number[], note: string) => void;

function takeBatchNorm(fn: string, m: SourceModule, t: TargetLayer, o: Resolved, take: Take, say: (l: string) => void): () => void {
  const bn = t.layer as BatchNormalization;
  const same = (d: Float32Array) => d;
  const id = (s: number[]) => s;
  take('weight', bn.gamma, same, id, '');
  take('bias', bn.beta, same, id, '');
  take('running_mean', bn.movingMean, same, id, '');
  let factor = 1;
  if (o.variance === 'biased') {
    const n = o.batchSize! * t.positions;
    factor = varianceToBiasedFactor(o.convention, n);
    take('running_var', bn.movingVariance, (d) => d.map((v) => v * factor), id, ` (x (N-1)/N = ${factor.toPrecision(6)}, N = ${o.batchSize} samples x ${t.positions} positions)`);
  } else {
    take('running_var', bn.movingVariance, same, id, CONVENTIONS[o.convention].runningVariance === 'unbiased' ? ' (unbiased, kept as is: PyTorch normalizes with it)' : '');
  }
  const count = m.params.get('num_batches_tracked');
  m.params.delete('num_batches_tracked');
  const momentum = momentumToOurs(o.convention, o.momentum);
  say(`  ${bn.name}: momentum ${String(momentum)}, epsilon ${o.epsilon}${count ? `, movingUpdates ${count.values[0]} (num_batches_tracked)` : ''}`);
  return () => {
    bn.momentum = momentum;
    bn.epsilon = o.epsilon;
    if (count) bn.movingUpdates = count.values[0];
  };
}

function checkShape(fn: string, key: string, src: StateTensor, mapped: number[], v: LayerVariable): void {
  if (src.dtype !== 'float32') throw new InvalidArgumentError(`${fn}: '${key}' must be a float array, received an integer.`);
  if (mapped.length !== v.shape.length || mapped.some((d, i) => d !== v.shape[i])) {
    throw new InvalidArgumentError(`${fn}: '${key}' must have shape [${v.shape.join(',')}] in batchwise's layout for '${v.fullName}', received [${src.shape.join(',')}] (-> [${mapped.join(',')}]).`);
  }
}

interface Resolved {
  convention: Convention;
  momentum: number | null;
  epsilon: number;
  variance: 'as-is' | 'biased';
  batchSize: number | null;
  log: (line: string) => void;
}

function resolve(fn: string, o: LoadStateDictOptions): Resolved {
  const convention = o.convention ?? 'pytorch';
  assertOneOf(fn, 'convention', convention, CONVENTION_NAMES);
  const variance = o.variance ?? 'as-is';
  assertOneOf(fn, 'variance', variance, ['as-is', 'biased'] as const);
  if (o.batchSize !== undefined) assertPositiveInt(fn, 'batchSize', o.batchSize);
  if (variance === 'biased' && o.batchSize === undefined && CONVENTIONS[convention].runningVariance === 'unbiased') {
    throw new InvalidArgumentError(`${fn}: batchSize must be given with variance 'biased' (the unbiased -> biased factor (N-1)/N needs the source's batch size), received undefined.`);
  }
  const momentum = o.momentum === undefined ? CONVENTIONS[convention].defaultMomentum : o.momentum;
  if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
    throw new InvalidArgumentError(`${fn}: momentum must be in [0, 1] or null, received ${describeValue(momentum)}.`);
  }
  const epsilon = o.epsilon ?? CONVENTIONS[convention].defaultEpsilon;
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) throw new InvalidArgumentError(`${fn}: epsilon must be a finite number > 0, received ${describeValue(epsilon)}.`);
  return { convention, momentum, epsilon, variance, batchSize: o.batchSize ?? null, log: o.log ?? ((line) => console.log(line)) };
}

export interface ExportStateDictOptions {
  convention?: Convention;
  /** Module names, one per layer with weights, in order. Default: the layer names. */
  moduleNames?: string[];
  /** 'as-is' (default) or 'unbiased' (x N/(N-1), needs batchSize) for the running variance. */
  variance?: 'as-is' | 'unbiased';
  batchSize?: number;
}

/** The inverse of loadStateDict: the model's weights in PyTorch's or ONNX's layouts and names. */
export function exportStateDict(model: LayersModel, options: ExportStateDictOptions = {}): StateDict {
  const fn = 'exportStateDict';
  const convention = options.convention ?? 'pytorch';
  assertOneOf(fn, 'convention', convention, CONVENTION_NAMES);
  const targets = targetLayers(fn, model);
  const names = options.moduleNames ?? targets.map((t) => t.layer.name);
  if (names.length !== targets.length) throw new InvalidArgumentError(`${fn}: moduleNames must hold ${targets.length} names (one per layer with weights), received ${names.length}.`);
  if (options.variance === 'unbiased' && options.batchSize === undefined) throw new InvalidArgumentError(`${fn}: batchSize must be given with variance 'unbiased', received undefined.`);
  const out: StateDict = new Map();
  const put = (key: string, shape: number[], data: Float32Array) => out.set(key, { shape, values: data, dtype: 'float32' });
  targets.forEach((t, i) => {
    const name = names[i];
    const values = (v: LayerVariable) => Float32Array.from(readValues(v.value));
    const layer = t.layer as never as { kernel: LayerVariable; bias: LayerVariable | null };
    if (t.kind === 'linear') {
      const [inn, units] = layer.kernel.shape;
      const k = t.flattenFrom ? reorderFlattenRows(values(layer.kernel), t.flattenFrom, units, false) : values(layer.kernel);
      put(`${name}.weight`, [units, inn], transpose2d(k, inn, units));
    } else if (t.kind === 'conv') {
      const [h, w, inn, o] = layer.kernel.shape;
      put(`${name}.weight`, [o, inn, h, w], hwioToOihw(values(layer.kernel), layer.kernel.shape));
    }
    if (t.kind !== 'batchnorm') {
      if (layer.bias) put(`${name}.bias`, [...layer.bias.shape], values(layer.bias));
      return;
    }
    const bn = t.layer as BatchNormalization;
    if (bn.gamma) put(`${name}.weight`, [...bn.gamma.shape], values(bn.gamma));
    if (bn.beta) put(`${name}.bias`, [...bn.beta.shape], values(bn.beta));
    put(`${name}.running_mean`, [...bn.movingMean.shape], values(bn.movingMean));
    const factor = options.variance === 'unbiased' ? 1 / varianceToBiasedFactor('pytorch', options.batchSize! * t.positions) : 1;
    put(`${name}.running_var`, [...bn.movingVariance.shape], values(bn.movingVariance).map((v) => v * factor));
    if (convention === 'pytorch') out.set(`${name}.num_batches_tracked`, { shape: [], values: Float64Array.of(bn.movingUpdates ?? 0), dtype: 'int64' });
  });
  return out;
}

import { InvalidArgumentError, ShapeError, Tensor, fill, formatShape, ops } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs, type LayerVariable } from '../engine/layer.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { featureMomentTensors } from '../preprocessing/moments.js';
import { reserveParameters } from '../engine/parameter-budget.js';

export interface NormalizationArgs extends LayerArgs {
  /** Feature axis; only the last axis (-1) is supported. */
  axis?: number;
  /** Per-feature mean, when known in advance (else call adapt). */
  mean?: number[];
  /** Per-feature variance, when known in advance. */
  variance?: number[];
}

/** Keras clamps the standard deviation from below by its backend epsilon before dividing. */
export const NORMALIZATION_EPSILON = 1e-7;

/**
 * Keras `Normalization`: y = (x - mean) / max(sqrt(variance), 1e-7) per
 * feature, with mean and variance fixed before training by `adapt(data)`
 * (population variance, two passes in float64). A constant feature therefore
 * maps to 0 on its training data. Its statistics are weights that no
 * optimizer changes (mean, variance, count).
 */
export class Normalization extends Layer {
  readonly className = 'Normalization';
  private readonly initial: { mean?: number[]; variance?: number[] };
  mean!: LayerVariable;
  variance!: LayerVariable;
  count!: LayerVariable;

  constructor(args: NormalizationArgs = {}) {
    super('Normalization', args, ['axis', 'mean', 'variance', 'invert']);
    if (args.axis !== undefined && args.axis !== -1) {
      throw new InvalidArgumentError(`${this.label}: axis must be -1 (features on the last axis), received ${String(args.axis)}.`);
    }
    const invert = (args as { invert?: unknown }).invert;
    if (invert !== undefined && invert !== false) {
      throw new InvalidArgumentError(`${this.label}: invert must be false (not supported), received ${String(invert)}.`);
    }
    if ((args.mean === undefined) !== (args.variance === undefined)) {
      throw new InvalidArgumentError(`${this.label}: mean and variance must be given together, received only ${args.mean === undefined ? 'variance' : 'mean'}.`);
    }
    this.initial = { mean: args.mean, variance: args.variance };
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    const last = shape[shape.length - 1];
    if (shape.length < 2 || last === null) throw this.shapeError('must have rank >= 2 with a known last (feature) dimension', shape);
    if (this.built && last !== this.mean.shape[0]) throw this.shapeError(`last dimension must be ${this.mean.shape[0]}`, shape);
    return shape;
  }

  protected override build([shape]: SymbolicShape[]): void {
    const c = shape[shape.length - 1] as number;
    const given = (name: string, values: number[] | undefined, dflt: number): Tensor => {
      reserveParameters([c]);
      if (values === undefined) return fill([c], dflt);
      if (!Array.isArray(values) || values.length !== c || !values.every(Number.isFinite)) {
        throw new InvalidArgumentError(`${this.label}: ${name} must be ${c} finite numbers, received ${JSON.stringify(values)}.`);
      }
      return new Tensor(Float32Array.from(values), [c]);
    };
    this.mean = this.addWeight('mean', given('mean', this.initial.mean, 0), false);
    this.variance = this.addWeight('variance', given('variance', this.initial.variance, 1), false);
    reserveParameters([]);
    this.count = this.addWeight('count', fill([], 0), false);
  }

  /** Computes mean and variance per feature from data (NaN or Infinity is an error naming the feature). */
  adapt(data: Tensor): void {
    if (!(data instanceof Tensor) || data.rank < 2) {
      throw new ShapeError(`${this.label} adapt: data must be a tensor of rank >= 2 [samples, ..., features], received ${data instanceof Tensor ? formatShape(data.shape) : String(data)}.`);
    }
    this.ensureBuilt([[null, ...data.shape.slice(1)]]);
    this.computeOutputShape([data.shape]);
    const m = featureMomentTensors(`${this.label} adapt`, data);
    ops.assign(this.mean.value, ops.add(m.meanHi, m.meanLo));
    ops.assign(this.variance.value, m.variance);
    ops.assign(this.count.value, fill([], m.count));
  }

  /** 1 / max(sqrt(variance), 1e-7) per feature. */
  private invScale(): Tensor {
    const c = this.variance.shape[0];
    return ops.div(fill([c], 1), ops.maximum(ops.sqrt(this.variance.value), fill([c], NORMALIZATION_EPSILON)));
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    const scale = this.invScale();
    const centred = ops.broadcastBinary(x, this.mean.value, { op: 'sub', axis: -1 });
    return { output: ops.broadcastBinary(centred, scale, { op: 'mul', axis: -1 }), cache: scale };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    return { dInputs: [options.inputGrads ? ops.broadcastBinary(dy, cache as Tensor, { op: 'mul', axis: -1 }) : null], grads: [] };
  }

  override getConfig(): Record<string, unknown> {
    return { axis: -1, invert: false, ...super.getConfig() };
  }
}

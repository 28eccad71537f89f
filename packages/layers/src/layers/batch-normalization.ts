import { InvalidArgumentError, describeValue, ops, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs, type LayerVariable } from '../engine/layer.js';
import { checkBoolean, checkRange } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { copyOf } from '../engine/tensor-utils.js';
import { readValues } from '../engine/values.js';
import { warn } from '../engine/warnings.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { channelParams, movingAverage, toLastAxis, type AxisMove } from './batch-norm-math.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** The feature axis; statistics are taken over every other axis. A number or a one-element list. Default -1. */
  axis?: number | [number];
  /** Weight of the old value in the moving averages. Default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3. */
  epsilon?: number;
  /** Learn beta (offset). Default true. */
  center?: boolean;
  /** Learn gamma (scale). Default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
  /**
   * Updates the moving statistics have had so far (see `movingUpdates`). Saved models carry it;
   * set it by hand only when loading statistics from elsewhere. Default 0.
   */
  movingUpdates?: number | null;
}

/** Config keys batchwise writes beyond TensorFlow.js's (which ignores them when loading). */
export const BATCH_NORMALIZATION_OWN_KEYS = ['moving_updates'] as const;

/** Per-feature statistics of one forward pass's input, recorded when `recordBatchStatistics` is on. */
export interface BatchStatistics {
  /** Batch mean per feature (float64 copies of the kernel's float32 values). */
  mean: Float64Array;
  /** Biased batch variance per feature (divided by count). */
  variance: Float64Array;
  /** Values per feature the statistics are over (batch × every axis but the feature axis). */
  count: number;
  /** Whether the pass ran in training mode. */
  training: boolean;
}

export const BATCH_NORMALIZATION_DEFAULTS = {
  axis: -1, momentum: 0.99, epsilon: 1e-3, center: true, scale: true,
  betaInitializer: 'zeros', gammaInitializer: 'ones', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones',
} as const;

interface TrainingCache {
  mode: 'training';
  move: AxisMove;
  xt: Tensor;
  gamma: Tensor;
  mean: Tensor;
  invStd: Tensor;
}

interface InferenceCache {
  mode: 'inference';
  move: AxisMove;
  xt: Tensor;
  gamma: Tensor;
  mean: Tensor;
  variance: Tensor;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015) with Keras 3 / TF.js conventions.
 *
 * Training: y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta, with the
 * batch mean and the BIASED batch variance (divided by N) over every axis but
 * `axis`; then moving = momentum * moving + (1 - momentum) * batch for both
 * statistics. Inference uses the moving statistics only. A layer with
 * `trainable: false` always runs in inference mode (Keras 3), so its moving
 * statistics never change. With one value per feature (N = 1) the output is
 * beta and the moving variance is left unchanged (see README).
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly axisOption: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly initializers: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;
  movingMean!: LayerVariable;
  movingVariance!: LayerVariable;
  /**
   * How many times training has updated the moving statistics (once per training forward pass that
   * updates them). Null when unknown: a model loaded from a file that did not record it (written by
   * TensorFlow.js or Keras) may have been trained for any number of steps. Saved in the model's
   * config as `moving_updates` (TensorFlow.js ignores the key), hence also by checkpoints.
   */
  movingUpdates: number | null;
  /** When true, every forward pass records its input's per-feature statistics in `lastBatchStatistics`. Default false. */
  recordBatchStatistics = false;
  /**
   * Statistics of the last forward pass's input while `recordBatchStatistics` was on (null before).
   * Kept as float64 copies: the tensors of a training step are released at its end.
   */
  lastBatchStatistics: BatchStatistics | null = null;
  private warnedBatchOfOne = false;

  constructor(args: BatchNormalizationArgs = {}) {
    super('BatchNormalization', args, ['axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', 'movingUpdates']);
    const at = this.label;
    this.axisOption = checkAxis(at, args.axis ?? BATCH_NORMALIZATION_DEFAULTS.axis);
    this.momentum = checkRange(at, 'momentum', args.momentum ?? BATCH_NORMALIZATION_DEFAULTS.momentum, 0, 1);
    this.epsilon = checkRange(at, 'epsilon', args.epsilon ?? BATCH_NORMALIZATION_DEFAULTS.epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
    this.center = checkBoolean(at, 'center', args.center ?? BATCH_NORMALIZATION_DEFAULTS.center);
    this.scale = checkBoolean(at, 'scale', args.scale ?? BATCH_NORMALIZATION_DEFAULTS.scale);
    const d = BATCH_NORMALIZATION_DEFAULTS;
    this.initializers = {
      beta: getInitializer(args.betaInitializer ?? d.betaInitializer, at, 'betaInitializer'),
      gamma: getInitializer(args.gammaInitializer ?? d.gammaInitializer, at, 'gammaInitializer'),
      movingMean: getInitializer(args.movingMeanInitializer ?? d.movingMeanInitializer, at, 'movingMeanInitializer'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? d.movingVarianceInitializer, at, 'movingVarianceInitializer'),
    };
    this.movingUpdates = checkMovingUpdates(at, args.movingUpdates === undefined ? 0 : args.movingUpdates);
  }

  /** The feature axis resolved against a rank (-1 -> rank - 1). */
  resolveAxis(rank: number): number {
    return this.axisOption < 0 ? this.axisOption + rank : this.axisOption;
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    if (shape.length < 2) throw this.shapeError('must have rank >= 2 (batch, ..., features)', shape);
    const axis = this.resolveAxis(shape.length);
    if (axis < 1 || axis >= shape.length) {
      throw new InvalidArgumentError(`${this.label}: axis must be in [1, ${shape.length - 1}] or [-${shape.length - 1}, -1] for input rank ${shape.length}, received ${this.axisOption}.`);
    }
    const features = shape[axis];
    if (features === null) throw this.shapeError(`dimension ${axis} (axis) must be known`, shape);
    if (this.built && features !== this.movingMean.shape[0]) throw this.shapeError(`dimension ${axis} (axis) must be ${this.movingMean.shape[0]}`, shape);
    return shape;
  }

  protected override build([shape]: SymbolicShape[]): void {
    const c = [shape[this.resolveAxis(shape.length)] as number];
    if (this.scale) this.gamma = this.addWeight('gamma', this.initializers.gamma, c, true);
    if (this.center) this.beta = this.addWeight('beta', this.initializers.beta, c, true);
    this.movingMean = this.addWeight('moving_mean', this.initializers.movingMean, c, false);
    this.movingVariance = this.addWeight('moving_variance', this.initializers.movingVariance, c, false);
  }

  forward([x]: Tensor[], ctx: CallContext): ForwardResult {
    const move = toLastAxis(x.rank, this.resolveAxis(x.rank));
    const xt = move.perm ? ops.transpose(x, move.perm) : x;
    const { gamma, beta } = channelParams(this.gamma, this.beta, this.movingMean.shape[0]);
    // Keras 3: a frozen BatchNormalization runs in inference mode even inside fit().
    const count = xt.size / xt.shape[xt.rank - 1];
    if (ctx.training && this.trainable) {
      const r = ops.batchNormTraining(xt, gamma, beta, { epsilon: this.epsilon });
      this.record(r.mean, r.variance, count, true);
      this.updateMovingStatistics(r.mean, r.variance, count);
      const cache: TrainingCache = { mode: 'training', move, xt, gamma, mean: r.mean, invStd: r.invStd };
      return { output: move.inverse ? ops.transpose(r.y, move.inverse) : r.y, cache };
    }
    // Copies: the cache must not change if the moving statistics are updated before backward.
    if (this.recordBatchStatistics) {
      const r = ops.batchNormTraining(xt, gamma, beta, { epsilon: this.epsilon });
      this.record(r.mean, r.variance, count, ctx.training);
    }
    const mean = copyOf(this.movingMean.value);
    const variance = copyOf(this.movingVariance.value);
    const y = ops.batchNormInference(xt, { mean, variance, gamma, beta, epsilon: this.epsilon });
    const cache: InferenceCache = { mode: 'inference', move, xt, gamma, mean, variance };
    return { output: move.inverse ? ops.transpose(y, move.inverse) : y, cache };
  }

  private record(mean: Tensor, variance: Tensor, count: number, training: boolean): void {
    if (!this.recordBatchStatistics) return;
    this.lastBatchStatistics = { mean: Float64Array.from(readValues(mean)), variance: Float64Array.from(readValues(variance)), count, training };
  }

  override snapshotTrainingState(): () => void {
    const updates = this.movingUpdates;
    return () => {
      this.movingUpdates = updates;
    };
  }

  private updateMovingStatistics(mean: Tensor, variance: Tensor, valuesPerFeature: number): void {
    if (this.movingUpdates !== null) this.movingUpdates++;
    movingAverage(this.movingMean.value, mean, this.momentum);
    if (valuesPerFeature > 1) {
      movingAverage(this.movingVariance.value, variance, this.momentum);
      return;
    }
    // One value per feature: its biased variance is 0 by construction, not an
    // estimate; folding it in would shrink the moving variance toward 0 and
    // blow up inference outputs, so it is skipped.
    if (!this.warnedBatchOfOne) {
      this.warnedBatchOfOne = true;
      warn(
        `${this.label}: training batch has 1 value per feature (batch of one, no spatial extent); ` +
          'the output is beta (x - mean = 0) and the moving variance is left unchanged. Use a batch of 2 or more.',
      );
    }
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    const c = cache as TrainingCache | InferenceCache;
    const dyt = c.move.perm ? ops.transpose(dy, c.move.perm) : dy;
    let dxt: Tensor;
    let dgamma: Tensor | null = null;
    let dbeta: Tensor | null = null;
    if (c.mode === 'training') {
      // Full backward through the batch statistics (mean and invStd depend on x).
      const r = ops.batchNormBackward(dyt, { x: c.xt, gamma: c.gamma, mean: c.mean, invStd: c.invStd });
      ({ dx: dxt, dgamma, dbeta } = r);
    } else {
      // Moving statistics are constants: dx = dy * gamma / sqrt(movingVar + eps), the same affine map with beta 0.
      const zeros = ops.mulScalar(c.mean, 0);
      dxt = ops.batchNormInference(dyt, { mean: zeros, variance: c.variance, gamma: c.gamma, beta: zeros, epsilon: this.epsilon });
      if (options.weightGrads && this.trainable) {
        const ones = ops.addScalar(zeros, 1);
        const xhat = ops.batchNormInference(c.xt, { mean: c.mean, variance: c.variance, gamma: ones, beta: zeros, epsilon: this.epsilon });
        dgamma = ops.biasGrad(ops.mul(dyt, xhat));
        dbeta = ops.biasGrad(dyt);
      }
    }
    const grads: [LayerVariable, Tensor][] = [];
    if (options.weightGrads && this.trainable) {
      if (this.gamma && dgamma) grads.push([this.gamma, dgamma]);
      if (this.beta && dbeta) grads.push([this.beta, dbeta]);
    }
    const dx = options.inputGrads ? (c.move.inverse ? ops.transpose(dxt, c.move.inverse) : dxt) : null;
    return { dInputs: [dx], grads };
  }

  override getConfig(): Record<string, unknown> {
    return {
      axis: this.axisOption,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.initializers.beta,
      gammaInitializer: this.initializers.gamma,
      movingMeanInitializer: this.initializers.movingMean,
      movingVarianceInitializer: this.initializers.movingVariance,
      // batchwise's own key: TensorFlow.js 4.22 ignores config keys it does not know.
      ...(this.movingUpdates === null ? {} : { movingUpdates: this.movingUpdates }),
      ...super.getConfig(),
    };
  }
}

function checkMovingUpdates(where: string, v: unknown): number | null {
  if (v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return v;
  throw new InvalidArgumentError(`${where}: movingUpdates must be a non-negative integer or null (unknown), received ${describeValue(v)}.`);
}

function checkAxis(where: string, v: unknown): number {
  const axis = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new InvalidArgumentError(`${where}: axis must be an integer or a one-element list of an integer, received ${JSON.stringify(v)}.`);
  }
  return axis;
}

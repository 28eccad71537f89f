import { InvalidArgumentError, Tensor, fill, keep, ops } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerVariable } from '../engine/layer.js';
import { checkRange } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { copyOf } from '../engine/tensor-utils.js';
import { readValues } from '../engine/values.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { averageCoefficients, channelParams, movingAverage, toLastAxis, type AxisMove } from './batch-norm-math.js';
import { ghostBackward, ghostForward, ghostFullBatch, type GhostCache } from './batch-norm-ghost.js';
import * as opt from './batch-norm-options.js';
import { batchBackward, batchForward, movingBackward, movingForward, type BatchCache, type MovingCache, type PassGradients, type TrainingPass } from './batch-norm-passes.js';
import { renormBackward, renormForward, updateRenormState, type RenormCache, type RenormPass, type RenormState } from './batch-norm-renorm.js';
import { SmallBatchWarnings } from './batch-norm-warnings.js';

export { BATCH_NORMALIZATION_DEFAULTS, BATCH_NORMALIZATION_OWN_KEYS, type BatchNormalizationArgs, type NormalizeWith, type RenormClipping } from './batch-norm-options.js';

/** Per-feature statistics of one forward pass's input, recorded when `recordBatchStatistics` is on. */
export interface BatchStatistics {
  /** Batch mean per feature (float64 copies of the kernel's float32 values). */
  mean: Float64Array;
  /** Biased batch variance per feature (divided by count); of the whole batch, also with ghost batches. */
  variance: Float64Array;
  /** Values per feature the statistics are over (batch × every axis but the feature axis). */
  count: number;
  /** Whether the pass ran in training mode. */
  training: boolean;
}

type PassCache = BatchCache | MovingCache | GhostCache | RenormCache;

interface LayerCache {
  move: AxisMove;
  pass: PassCache;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015) with Keras 3 / TF.js conventions.
 *
 * Training: y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta, with the
 * batch mean and the BIASED batch variance (divided by N) over every axis but
 * `axis`; then moving = momentum * moving + (1 - momentum) * batch for both
 * statistics (or a cumulative / bias-corrected average, see batch-norm-math.ts).
 * Inference uses the moving statistics only.
 *
 * Three independent switches say what a training-mode pass does:
 * `normalizeWith` ('batch' or 'moving' statistics), `updateMovingStatistics`,
 * and `trainGammaBeta`. `trainable` is the Keras 3 preset of all three: false
 * freezes the layer into inference behaviour even inside fit(). Ghost batches
 * (`virtualBatchSize`) and batch renormalization (`renorm`) change how the
 * batch statistics normalize (see their files).
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly axisOption: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly biasCorrection: boolean;
  readonly virtualBatchSize: number | null;
  readonly renorm: boolean;
  readonly renormClipping: opt.ResolvedRenormClipping;
  readonly renormMomentum: number;
  readonly initializers: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;
  movingMean!: LayerVariable;
  movingVariance!: LayerVariable;
  /** Renorm's own moving mean and standard deviation (null without renorm). Not weights: see the README. */
  renormState: RenormState | null = null;
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
  private momentumValue: number | null;
  private epsilonValue: number;
  private normalizeWithValue: opt.NormalizeWith;
  private updateMovingValue: boolean;
  private readonly initialRenorm: { mean?: number[]; stddev?: number[] };
  private readonly warnings: SmallBatchWarnings;

  constructor(args: opt.BatchNormalizationArgs = {}) {
    super('BatchNormalization', args, opt.BATCH_NORMALIZATION_OPTION_NAMES);
    const at = this.label;
    const d = opt.BATCH_NORMALIZATION_DEFAULTS;
    this.axisOption = opt.checkAxis(at, args.axis ?? d.axis);
    this.momentumValue = opt.checkMomentum(at, args.momentum === undefined ? d.momentum : args.momentum);
    this.epsilonValue = opt.checkEpsilon(at, args.epsilon ?? d.epsilon);
    this.center = opt.checkFlag(at, 'center', args.center ?? d.center);
    this.scale = opt.checkFlag(at, 'scale', args.scale ?? d.scale);
    this.initializers = {
      beta: getInitializer(args.betaInitializer ?? d.betaInitializer, at, 'betaInitializer'),
      gamma: getInitializer(args.gammaInitializer ?? d.gammaInitializer, at, 'gammaInitializer'),
      movingMean: getInitializer(args.movingMeanInitializer ?? d.movingMeanInitializer, at, 'movingMeanInitializer'),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? d.movingVarianceInitializer, at, 'movingVarianceInitializer'),
    };
    this.movingUpdates = opt.checkMovingUpdates(at, args.movingUpdates === undefined ? 0 : args.movingUpdates);
    // trainable (already checked by Layer) is the preset; explicit switches override it.
    const preset = super.trainable;
    this.normalizeWithValue = opt.checkNormalizeWith(at, args.normalizeWith ?? (preset ? 'batch' : 'moving'));
    this.updateMovingValue = opt.checkFlag(at, 'updateMovingStatistics', args.updateMovingStatistics ?? preset);
    this.biasCorrection = opt.checkFlag(at, 'biasCorrection', args.biasCorrection ?? d.biasCorrection);
    if (this.biasCorrection && this.momentumValue === null) {
      throw new InvalidArgumentError(`${at}: biasCorrection must be false with momentum null (a cumulative average has no bias to correct), received true.`);
    }
    this.virtualBatchSize = opt.checkVirtualBatchSize(at, args.virtualBatchSize === undefined ? d.virtualBatchSize : args.virtualBatchSize);
    this.renorm = opt.checkFlag(at, 'renorm', args.renorm ?? d.renorm);
    this.renormClipping = opt.checkRenormClipping(at, args.renormClipping);
    this.renormMomentum = checkRange(at, 'renormMomentum', args.renormMomentum ?? d.renormMomentum, 0, 1);
    if (this.renorm && this.virtualBatchSize !== null) {
      throw new InvalidArgumentError(`${at}: virtualBatchSize must be null with renorm (the two are not supported together), received ${this.virtualBatchSize}.`);
    }
    this.initialRenorm = {
      mean: args.renormMean === undefined ? undefined : opt.checkFeatureVector(at, 'renormMean', args.renormMean),
      stddev: args.renormStddev === undefined ? undefined : opt.checkFeatureVector(at, 'renormStddev', args.renormStddev),
    };
    this.warnings = new SmallBatchWarnings(at);
  }

  /** Weight of the old value in the moving averages; null: cumulative average. Settable (translators set PyTorch's). */
  get momentum(): number | null {
    return this.momentumValue;
  }

  set momentum(v: number | null) {
    const m = opt.checkMomentum(this.label, v);
    if (m === null && this.biasCorrection) throw new InvalidArgumentError(`${this.label}: momentum must be a number with biasCorrection, received null.`);
    this.momentumValue = m;
  }

  get epsilon(): number {
    return this.epsilonValue;
  }

  set epsilon(v: number) {
    this.epsilonValue = opt.checkEpsilon(this.label, v);
  }

  /** Switch 1: the statistics a training-mode pass normalizes with. */
  get normalizeWith(): opt.NormalizeWith {
    return this.normalizeWithValue;
  }

  set normalizeWith(v: opt.NormalizeWith) {
    this.normalizeWithValue = opt.checkNormalizeWith(this.label, v);
  }

  /** Switch 2: whether training-mode passes update the moving statistics. */
  get updateMovingStatistics(): boolean {
    return this.updateMovingValue;
  }

  set updateMovingStatistics(v: boolean) {
    this.updateMovingValue = opt.checkFlag(this.label, 'updateMovingStatistics', v);
  }

  /** Switch 3: whether the optimizer updates gamma and beta. The same as reading `trainable`. */
  get trainGammaBeta(): boolean {
    return super.trainable;
  }

  set trainGammaBeta(v: boolean) {
    super.trainable = opt.checkFlag(this.label, 'trainGammaBeta', v);
  }

  /** Reads switch 3; setting it sets all three (Keras 3): true = ('batch', update, train), false = ('moving', no update, fixed). */
  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(v: boolean) {
    this.trainGammaBeta = v;
    this.normalizeWithValue = v ? 'batch' : 'moving';
    this.updateMovingValue = v;
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
    if (this.renorm) this.renormState = { mean: this.renormVector('renormMean', this.initialRenorm.mean, c[0], 0), stddev: this.renormVector('renormStddev', this.initialRenorm.stddev, c[0], 1) };
  }

  private renormVector(option: string, values: number[] | undefined, c: number, dflt: number): Tensor {
    if (values === undefined) return keep(fill([c], dflt));
    if (values.length !== c) throw new InvalidArgumentError(`${this.label}: ${option} must hold ${c} values (one per feature), received ${values.length}.`);
    return keep(new Tensor(Float32Array.from(values), [c]));
  }

  forward([x]: Tensor[], ctx: CallContext): ForwardResult {
    const move = toLastAxis(x.rank, this.resolveAxis(x.rank));
    const xt = move.perm ? ops.transpose(x, move.perm) : x;
    const { gamma, beta } = channelParams(this.gamma, this.beta, this.movingMean.shape[0]);
    const update = ctx.training && this.updateMovingValue;
    let pass: TrainingPass<PassCache> | null = null;
    let y: Tensor;
    let cache: PassCache;
    if (ctx.training && this.normalizeWithValue === 'batch') {
      pass = this.batchPass(xt, gamma, beta);
      ({ y, cache } = pass);
    } else {
      ({ y, cache } = movingForward(xt, { mean: this.movingMean.value, variance: this.movingVariance.value, gamma, beta, epsilon: this.epsilonValue }, ctx.training));
    }
    // Statistics the pass did not compute (moving normalization) come from the same kind of pass.
    const stats = pass ?? (update || this.recordBatchStatistics ? this.batchPass(xt, gamma, beta) : null);
    if (stats && ctx.training) this.warnings.check(stats.groupCount, this.renorm || this.virtualBatchSize !== null);
    if (stats && this.recordBatchStatistics) this.record(stats, ctx.training);
    if (stats && update) this.foldIntoMovingStatistics(stats);
    const layerCache: LayerCache = { move, pass: cache };
    return { output: move.inverse ? ops.transpose(y, move.inverse) : y, cache: layerCache };
  }

  /**
   * Whether a fused kernel may do this layer's training-mode work on input of
   * this rank: plain batch statistics (no ghost batches, no renormalization) over the last axis.
   */
  fusableInTraining(rank: number): boolean {
    return this.normalizeWithValue === 'batch' && this.virtualBatchSize === null && !this.renorm && this.resolveAxis(rank) === rank - 1;
  }

  /** What forward does after its batch-statistics pass, for a pass a fused kernel computed. */
  afterFusedPass(pass: TrainingPass<BatchCache>): void {
    this.warnings.check(pass.groupCount, false);
    if (this.recordBatchStatistics) this.record(pass, true);
    if (this.updateMovingValue) this.foldIntoMovingStatistics(pass);
  }

  /** The training-mode normalization this layer's options select, on data with the feature axis last. */
  private batchPass(xt: Tensor, gamma: Tensor, beta: Tensor): TrainingPass<PassCache> {
    if (this.virtualBatchSize !== null) return ghostForward(xt, gamma, beta, this.epsilonValue, this.virtualBatchSize);
    if (this.renormState) return renormForward(xt, gamma, beta, this.epsilonValue, this.renormState, this.renormClipping);
    return batchForward(xt, gamma, beta, this.epsilonValue);
  }

  private record(pass: TrainingPass<PassCache>, training: boolean): void {
    const full = pass.cache.kind === 'ghost' ? ghostFullBatch(pass.cache) : { mean: Float64Array.from(readValues(pass.mean)), variance: Float64Array.from(readValues(pass.variance)) };
    const x = pass.cache.kind === 'ghost' ? null : pass.cache.x;
    const count = x ? x.size / x.shape[x.rank - 1] : (pass.cache as GhostCache).parts.reduce((n, p) => n + p.x.size, 0) / (pass.cache as GhostCache).gamma.size;
    this.lastBatchStatistics = { ...full, count, training };
  }

  private foldIntoMovingStatistics(pass: TrainingPass<PassCache>): void {
    // One value per feature: its biased variance is 0 by construction, not an estimate, and the
    // output is beta; folding it in would shrink the moving variance toward 0 (see the README).
    if (pass.groupCount <= 1) return;
    if ((this.momentumValue === null || this.biasCorrection) && this.movingUpdates === null) {
      const mode = this.momentumValue === null ? 'momentum null (cumulative average)' : 'biasCorrection';
      throw new InvalidArgumentError(`${this.label}: movingUpdates must be known with ${mode}, received null (a loaded model that did not record it); set it to the number of updates already averaged, or 0 to restart.`);
    }
    const t = (this.movingUpdates ?? 0) + 1;
    const c = averageCoefficients(this.momentumValue, this.biasCorrection, t);
    movingAverage(this.movingMean.value, pass.mean, c);
    movingAverage(this.movingVariance.value, pass.variance, c);
    if (this.renormState && pass.cache.kind === 'renorm') updateRenormState(this.renormState, pass as RenormPass, this.renormMomentum);
    if (this.movingUpdates !== null) this.movingUpdates = t;
  }

  override snapshotTrainingState(): () => void {
    const updates = this.movingUpdates;
    const renorm = this.renormState ? { mean: copyOf(this.renormState.mean), stddev: copyOf(this.renormState.stddev) } : null;
    return () => {
      this.movingUpdates = updates;
      if (renorm && this.renormState) {
        ops.assign(this.renormState.mean, renorm.mean);
        ops.assign(this.renormState.stddev, renorm.stddev);
      }
    };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    const { move, pass } = cache as LayerCache;
    const dyt = move.perm ? ops.transpose(dy, move.perm) : dy;
    const weightGrads = options.weightGrads && this.trainGammaBeta;
    const g = passBackward(dyt, pass, weightGrads);
    const grads: [LayerVariable, Tensor][] = [];
    if (weightGrads) {
      if (this.gamma && g.dgamma) grads.push([this.gamma, g.dgamma]);
      if (this.beta && g.dbeta) grads.push([this.beta, g.dbeta]);
    }
    const dx = options.inputGrads ? (move.inverse ? ops.transpose(g.dx, move.inverse) : g.dx) : null;
    return { dInputs: [dx], grads };
  }

  override getConfig(): Record<string, unknown> {
    const clip = this.renormClipping;
    return {
      axis: this.axisOption,
      momentum: this.momentumValue,
      epsilon: this.epsilonValue,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.initializers.beta,
      gammaInitializer: this.initializers.gamma,
      movingMeanInitializer: this.initializers.movingMean,
      movingVarianceInitializer: this.initializers.movingVariance,
      // batchwise's own keys (BATCH_NORMALIZATION_OWN_KEYS): TensorFlow.js 4.22 ignores them.
      normalizeWith: this.normalizeWithValue,
      updateMovingStatistics: this.updateMovingValue,
      biasCorrection: this.biasCorrection,
      virtualBatchSize: this.virtualBatchSize,
      renorm: this.renorm,
      // JSON has no Infinity: unbounded (default) limits are left out.
      renormClipping: { ...(clip.rmin > 0 ? { rmin: clip.rmin } : {}), ...(clip.rmax < Infinity ? { rmax: clip.rmax } : {}), ...(clip.dmax < Infinity ? { dmax: clip.dmax } : {}) },
      renormMomentum: this.renormMomentum,
      ...(this.movingUpdates === null ? {} : { movingUpdates: this.movingUpdates }),
      ...(this.renormState ? { renormMean: Array.from(readValues(this.renormState.mean)), renormStddev: Array.from(readValues(this.renormState.stddev)) } : {}),
      ...super.getConfig(),
    };
  }
}

function passBackward(dy: Tensor, pass: PassCache, weightGrads: boolean): PassGradients {
  switch (pass.kind) {
    case 'batch':
      return batchBackward(dy, pass);
    case 'moving':
      return movingBackward(dy, pass, weightGrads);
    case 'ghost':
      return ghostBackward(dy, pass, weightGrads);
    case 'renorm':
      return renormBackward(dy, pass, weightGrads);
  }
}

import { InvalidArgumentError, assertBoolean, assertFiniteNumber, assertNonNegativeInt, assertOneOf, type Tensor } from '@batchwise/core';
import { copyOf } from '../engine/tensor-utils.js';
import type { FitPosition } from '../models/fit-position.js';
import type { Optimizer } from './optimizers.js';
import type { EpochSchedule } from './schedules.js';
import { Checkpoint, type CheckpointArgs } from './checkpoint-callback.js';
import { batchNormMonitor } from '../bn-tools/monitor.js';

/** Loss and metric values by name: `loss`, `acc`, `val_loss`, ... */
export type Logs = Record<string, number>;

/** What a callback can reach of the model being trained. */
export interface TrainingModel {
  /** Set to true to stop after the current batch (Keras `model.stop_training`). */
  stopTraining: boolean;
  /** During fit: where it is (the next batch; read-only for callbacks). Null outside fit. */
  fitPosition: FitPosition | null;
  /** The compiled optimizer (learning-rate schedules set its learningRate). */
  readonly optimizer: Optimizer | null;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
}

/** tfjs/Keras callback hooks; any may return a promise, which fit awaits. */
/** What fit tells callbacks before training (Keras `set_params`). */
export interface FitParams {
  epochs: number;
  batchSize: number;
  /** Training samples (after any validation split). */
  samples: number;
  /** Batches per epoch. */
  batches: number;
  seed: number;
  shuffle: boolean;
  /** 'loss' then the compiled metrics: the order of FitPosition.sums. */
  metrics: string[];
}

export interface Callback {
  setModel?(model: TrainingModel): void;
  setParams?(params: FitParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export interface EarlyStoppingArgs {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** Default 'auto': 'max' for names containing 'acc', else 'min'. */
  mode?: 'auto' | 'min' | 'max';
  /** Value the monitored quantity must beat. */
  baseline?: number;
  /** Put back the best epoch's weights when stopping. Default false. */
  restoreBestWeights?: boolean;
}

export const EARLY_STOPPING_DEFAULTS = { monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', restoreBestWeights: false } as const;

/** Stops training when the monitored value stops improving (Keras EarlyStopping). */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  /** Epoch after which training stopped (0 when it did not). */
  stoppedEpoch = 0;
  private model: TrainingModel | null = null;
  private wait = 0;
  private best = Infinity;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    const fn = 'callbacks.earlyStopping';
    const d = EARLY_STOPPING_DEFAULTS;
    this.monitor = args.monitor ?? d.monitor;
    if (typeof this.monitor !== 'string') throw new InvalidArgumentError(`${fn}: monitor must be a string, received ${String(this.monitor)}.`);
    this.minDelta = Math.abs(args.minDelta ?? d.minDelta);
    assertFiniteNumber(fn, 'minDelta', this.minDelta);
    this.patience = args.patience ?? d.patience;
    assertNonNegativeInt(fn, 'patience', this.patience);
    const mode = args.mode ?? d.mode;
    assertOneOf(fn, 'mode', mode, ['auto', 'min', 'max']);
    this.mode = mode === 'auto' ? (this.monitor.includes('acc') ? 'max' : 'min') : mode;
    this.baseline = args.baseline;
    if (this.baseline !== undefined) assertFiniteNumber(fn, 'baseline', this.baseline);
    this.restoreBestWeights = args.restoreBestWeights ?? d.restoreBestWeights;
    assertBoolean(fn, 'restoreBestWeights', this.restoreBestWeights);
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  /** Scores so that lower is better in both modes. */
  private score(v: number): number {
    return this.mode === 'min' ? v : -v;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline === undefined ? Infinity : this.score(this.baseline);
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new InvalidArgumentError(`callbacks.earlyStopping: monitor must name a logged value (${Object.keys(logs).join(', ')}), received '${this.monitor}'.`);
    }
    if (this.score(value) < this.best - this.minDelta) {
      this.best = this.score(value);
      this.wait = 0;
      if (this.restoreBestWeights && this.model) this.bestWeights = this.model.getWeights().map(copyOf);
      return;
    }
    this.wait++;
    if (this.wait >= this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
    }
  }
}

/** Sets the optimizer's learning rate at the start of every epoch (Keras LearningRateScheduler). */
export class LearningRateScheduler implements Callback {
  private model: TrainingModel | null = null;

  constructor(readonly schedule: EpochSchedule) {
    if (typeof schedule !== 'function') throw new InvalidArgumentError(`callbacks.learningRateScheduler: schedule must be a function (epoch, learningRate) => number, received ${String(schedule)}.`);
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = this.model?.optimizer;
    if (!optimizer) throw new InvalidArgumentError('callbacks.learningRateScheduler: the model must be compiled with an optimizer.');
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new InvalidArgumentError(`callbacks.learningRateScheduler: schedule(${epoch}) must return a finite number >= 0, received ${String(rate)}.`);
    }
    optimizer.learningRate = rate;
  }
}

export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs): EarlyStopping => new EarlyStopping(args),
  learningRateScheduler: (schedule: EpochSchedule): LearningRateScheduler => new LearningRateScheduler(schedule),
  checkpoint: (args: CheckpointArgs): Checkpoint => new Checkpoint(args),
  batchNormMonitor,
};

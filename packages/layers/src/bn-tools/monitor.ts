import { InvalidArgumentError, assertBoolean, assertPositiveInt, describeValue } from '@batchwise/core';
import { warn } from '../engine/warnings.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import type { Callback, Logs, TrainingModel } from '../training/callbacks.js';
import { checkThresholds, featureFlags, type BatchNormFlag, type FlagKind, type FlagThresholds } from './flags.js';
import { featureGaps, movingStatisticsOf, worstGap, type WorstGap } from './gaps.js';
import { updatesNeeded } from './staleness.js';
import { formatTextTable } from './text-table.js';

export interface BatchNormMonitorArgs extends FlagThresholds {
  /** Keep the per-feature statistics of every n-th batch (flags are checked on every batch). Default 1. */
  every?: number;
  /** Names of the layers to watch. Default: every BatchNormalization layer of the model. */
  layers?: string[];
  /** Send each new flag (first time per layer, feature and kind) to the warning handler. Default true. */
  warn?: boolean;
}

export const BATCH_NORM_MONITOR_DEFAULTS = { every: 1, warn: true } as const;

/** One layer's statistics after one training batch, per feature. */
export interface LayerRecord {
  layer: string;
  /** Moving-statistics updates so far (null: unknown). */
  updates: number | null;
  /** Values per feature in the batch. */
  count: number;
  batchMean: Float32Array;
  batchVariance: Float32Array;
  /** The moving statistics after this batch's update. */
  movingMean: Float32Array;
  movingVariance: Float32Array;
  /** |batch mean - moving mean| / sqrt(moving variance + eps). */
  meanGap: Float32Array;
  /** (batch variance + eps) / (moving variance + eps). */
  varianceRatio: Float32Array;
  /** The worst feature's gaps. */
  worst: WorstGap;
}

export interface MonitorRecord {
  epoch: number;
  batch: number;
  /** Batches seen by this monitor, from 1. */
  step: number;
  layers: LayerRecord[];
}

/** A flag the first time it was raised, and how many batches raised it. */
export interface MonitorFlag extends BatchNormFlag {
  epoch: number;
  batch: number;
  step: number;
  count: number;
}

/**
 * A fit callback that watches every batch norm during training: per layer
 * and feature, the batch's mean and variance against the moving ones (the
 * gap inference will see), how many updates the moving statistics have had,
 * and flags for dead features (gamma about 0, input variance about 0),
 * exploding variance and non-finite values, naming layer and feature.
 * It turns on the layers' `recordBatchStatistics` during fit and restores it after.
 * Memory: 24 bytes per feature per kept batch (see `every`).
 */
export class BatchNormMonitor implements Callback {
  readonly every: number;
  readonly layerNames: string[] | null;
  readonly warn: boolean;
  readonly thresholds: Required<FlagThresholds>;
  /** Kept statistics, oldest first. */
  readonly records: MonitorRecord[] = [];
  /** Flags, in the order first raised. */
  readonly flags: MonitorFlag[] = [];
  private model: TrainingModel | null = null;
  private watched: BatchNormalization[] = [];
  private recording: boolean[] = [];
  private epoch = 0;
  private step = 0;
  private readonly flagIndex = new Map<string, MonitorFlag>();

  constructor(args: BatchNormMonitorArgs = {}) {
    const fn = 'batchNormMonitor';
    if (args === null || typeof args !== 'object') throw new InvalidArgumentError(`${fn}: args must be an object, received ${describeValue(args)}.`);
    const { every, layers, warn: warnFlag, ...thresholds } = args;
    this.every = every ?? BATCH_NORM_MONITOR_DEFAULTS.every;
    assertPositiveInt(fn, 'every', this.every);
    this.warn = warnFlag ?? BATCH_NORM_MONITOR_DEFAULTS.warn;
    assertBoolean(fn, 'warn', this.warn);
    if (layers !== undefined && (!Array.isArray(layers) || layers.some((n) => typeof n !== 'string'))) {
      throw new InvalidArgumentError(`${fn}: layers must be a list of layer names, received ${describeValue(layers)}.`);
    }
    this.layerNames = layers ?? null;
    this.thresholds = checkThresholds(fn, thresholds);
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    const all = modelLayers(this.model).filter((l): l is BatchNormalization => l instanceof BatchNormalization);
    if (this.layerNames) {
      for (const n of this.layerNames) {
        if (!all.some((l) => l.name === n)) throw new InvalidArgumentError(`batchNormMonitor: layers must name BatchNormalization layers of the model (${all.map((l) => `'${l.name}'`).join(', ') || 'none'}), received '${n}'.`);
      }
    }
    this.watched = this.layerNames ? all.filter((l) => this.layerNames!.includes(l.name)) : all;
    this.recording = this.watched.map((l) => l.recordBatchStatistics);
    for (const l of this.watched) l.recordBatchStatistics = true;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(batch: number, _logs: Logs): void {
    this.step++;
    const keep = this.step % this.every === 0;
    const layers: LayerRecord[] = [];
    for (const layer of this.watched) {
      const s = layer.lastBatchStatistics;
      if (!s) continue;
      const moving = movingStatisticsOf(layer);
      const updates = layer.movingUpdates;
      const warmedUp = updates === null || updates >= updatesNeeded(layer.momentum);
      for (const f of featureFlags(layer, { mean: s.mean, variance: s.variance, moving, warmedUp }, this.thresholds)) this.raise(f, batch);
      if (!keep) continue;
      const g = featureGaps(s.mean, s.variance, s.count, moving);
      const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
      layers.push({
        layer: layer.name, updates, count: s.count,
        batchMean: f32(s.mean), batchVariance: f32(s.variance), movingMean: f32(moving.mean), movingVariance: f32(moving.variance),
        meanGap: f32(g.meanGap), varianceRatio: f32(g.varianceRatio), worst: worstGap(g),
      });
    }
    if (keep) this.records.push({ epoch: this.epoch, batch, step: this.step, layers });
  }

  onTrainEnd(): void {
    this.watched.forEach((l, i) => (l.recordBatchStatistics = this.recording[i]));
  }

  private raise(f: BatchNormFlag, batch: number): void {
    const key = `${f.kind}\u0000${f.layer}\u0000${f.feature}`;
    const seen = this.flagIndex.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    const flag: MonitorFlag = { ...f, epoch: this.epoch, batch, step: this.step, count: 1 };
    this.flagIndex.set(key, flag);
    this.flags.push(flag);
    if (this.warn) warn(`batchNormMonitor: epoch ${this.epoch + 1}, batch ${batch}: ${f.message}`);
  }

  /** The latest kept record of each watched layer. */
  latest(): LayerRecord[] {
    const out = new Map<string, LayerRecord>();
    for (const r of this.records) for (const l of r.layers) out.set(l.layer, l);
    return [...out.values()];
  }

  /** Flags by kind, e.g. { 'dead-gamma': 3 } (distinct features). */
  flagCounts(): Partial<Record<FlagKind, number>> {
    const counts: Partial<Record<FlagKind, number>> = {};
    for (const f of this.flags) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    return counts;
  }

  /** A text table of the latest record per layer and the flags raised so far. */
  summary(): string {
    const rows = this.latest().map((l) => [
      l.layer, String(l.batchMean.length), l.updates === null ? '?' : String(l.updates),
      String(l.worst.feature), l.worst.meanGap.toFixed(3), `${l.worst.varianceRatio.toFixed(3)}x`,
      String(this.flags.filter((f) => f.layer === l.layer).length),
    ]);
    const table = formatTextTable(['layer', 'features', 'updates', 'worst feature', 'mean gap', 'var ratio', 'flags'], rows);
    return [table, ...this.flags.map((f) => `${f.message} (first at epoch ${f.epoch + 1}, batch ${f.batch}; ${f.count} batch${f.count === 1 ? '' : 'es'})`)].join('\n');
  }
}

function modelLayers(model: TrainingModel | null): unknown[] {
  const layers = (model as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) throw new InvalidArgumentError(`batchNormMonitor: the model must be a LayersModel with layers, received ${describeValue(model)}.`);
  return layers;
}

/** `callbacks.batchNormMonitor(args)`: see BatchNormMonitor. */
export function batchNormMonitor(args?: BatchNormMonitorArgs): BatchNormMonitor {
  return new BatchNormMonitor(args);
}

import { InvalidArgumentError, describeValue } from '@batchwise/core';
import { allFinite } from '../engine/values.js';
import type { LayersModel } from '../models/layers-model.js';
import { saveCheckpoint } from '../checkpoint/index.js';
import type { CheckpointHistory } from '../checkpoint/checkpoint.js';
import type { Callback, FitParams, Logs, TrainingModel } from './callbacks.js';

export type SaveReason = 'begin' | 'epoch' | 'step' | 'stop';

export interface CheckpointArgs {
  /** The checkpoint directory (generations are written inside it). */
  dir: string;
  /** 'epoch': after every epoch; a number n: also after every n-th optimizer step. Default 'epoch'. */
  saveFreq?: 'epoch' | number;
  /** Also save when fit stops before an epoch ends (a callback set stopTraining: Ctrl-C, a time limit). Default true. */
  saveOnStop?: boolean;
  /** Also save before the first step of a fresh run, so even a run that fails at once leaves its starting point. Default false. */
  saveOnBegin?: boolean;
  /** Generations kept. Default 2. */
  keep?: number;
  /** History of the epochs before this fit (from loadCheckpoint), so a resumed run's checkpoints hold all of it. */
  history?: CheckpointHistory;
  /** JSON the caller gets back from loadCheckpoint. */
  metadata?: unknown;
  /** Told the path of every checkpoint written. */
  onSave?: (dir: string, reason: SaveReason) => void | Promise<void>;
}

/**
 * Saves checkpoints during fit (Node only): model, optimizer state, position,
 * history and random state, so `loadCheckpoint` + `fit({ initialPosition })`
 * continues bit for bit. A model whose weights are not all finite, or a stop on
 * a non-finite loss, is never saved: the last good checkpoint stays the newest.
 */
export class Checkpoint implements Callback {
  readonly dir: string;
  readonly saveFreq: 'epoch' | number;
  readonly saveOnStop: boolean;
  readonly keep: number;
  /** Path of the newest checkpoint written, or null. */
  lastSaved: string | null = null;
  private model: TrainingModel | null = null;
  private params: FitParams | null = null;
  private readonly history: CheckpointHistory;
  private lastLossFinite = true;

  constructor(private readonly args: CheckpointArgs) {
    const fn = 'callbacks.checkpoint';
    if (typeof args?.dir !== 'string' || args.dir.length === 0) throw new InvalidArgumentError(`${fn}: dir must be a non-empty path, received ${describeValue(args?.dir)}.`);
    this.dir = args.dir;
    this.saveFreq = args.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch' && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0)) {
      throw new InvalidArgumentError(`${fn}: saveFreq must be 'epoch' or a positive integer, received ${describeValue(this.saveFreq)}.`);
    }
    this.saveOnStop = args.saveOnStop ?? true;
    this.keep = args.keep ?? 2;
    const h = args.history ?? { epoch: [], history: {} };
    this.history = { epoch: [...h.epoch], history: Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]])) };
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  setParams(params: FitParams): void {
    this.params = params;
  }

  onBatchEnd(_batch: number, logs: Logs): Promise<void> | void {
    this.lastLossFinite = Number.isFinite(logs.loss);
    const step = this.model?.fitPosition?.step ?? 0;
    if (this.saveFreq !== 'epoch' && this.lastLossFinite && step > 0 && step % this.saveFreq === 0) return this.save('step');
  }

  async onTrainBegin(): Promise<void> {
    if (this.args.saveOnBegin && this.model?.fitPosition?.step === 0) await this.save('begin');
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const p = this.model?.fitPosition;
    if (!p || p.batch !== 0 || p.epoch !== epoch + 1) return; // stopped mid-epoch: onTrainEnd decides
    this.history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history.history[k] ??= new Array<number>(this.history.epoch.length - 1).fill(Number.NaN)).push(v);
    await this.save('epoch');
  }

  async onTrainEnd(): Promise<void> {
    const p = this.model?.fitPosition;
    if (this.saveOnStop && this.model?.stopTraining && this.lastLossFinite && p && p.batch !== 0) await this.save('stop');
  }

  private async save(reason: SaveReason): Promise<void> {
    const model = this.model as LayersModel | null;
    const position = model?.fitPosition;
    if (!model || !position || !this.params) return;
    if (!model.weights.every((w) => allFinite(w.value))) return;
    const { epochs, batchSize, seed, shuffle, samples } = this.params;
    this.lastSaved = await saveCheckpoint(
      this.dir,
      model,
      { position: structuredClone(position), history: this.history, fit: { epochs, batchSize, seed, shuffle, samples }, metadata: this.args.metadata },
      { keep: this.keep },
    );
    await this.args.onSave?.(this.lastSaved, reason);
  }
}

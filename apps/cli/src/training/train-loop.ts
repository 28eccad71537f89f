import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import type { Output } from '../cli/output.js';
import { batchCount, epochOrder, gatherRows } from './batches.js';
import type { StopSignal } from './interrupt.js';
import { startEpochProgress } from './progress.js';

/*
 * The training loop of `batchwise train`, over model.trainOnBatch so it can
 * stop between any two batches (Ctrl-C, NaN) and resume at the exact batch:
 * the position (epoch, batch, running sums) is part of every checkpoint.
 */

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  imagesPerSecond: number;
}

/** Where training is: the next batch to run, and the running sums of the epoch in progress. */
export interface LoopPosition {
  /** 0-based epoch in progress. */
  epoch: number;
  /** Next batch index within the epoch. */
  batch: number;
  /** Optimizer steps done in total. */
  step: number;
  lossSum: number;
  accuracySum: number;
  seen: number;
  seconds: number;
}

export const START_POSITION: LoopPosition = { epoch: 0, batch: 0, step: 0, lossSum: 0, accuracySum: 0, seen: 0, seconds: 0 };

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  validation: [Tensor, Tensor] | null;
}

export type LoopOutcome =
  | { status: 'completed' }
  | { status: 'interrupted' }
  | { status: 'diverged'; epoch: number; batch: number; loss: number };

export interface LoopHooks {
  stop: StopSignal;
  out: Output;
  /** After each epoch, with the position at the start of the next one. */
  onEpochEnd(record: EpochRecord, next: LoopPosition): Promise<void>;
}

/** Lets pending signal handlers (SIGINT) run between synchronous training steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runTrainLoop(
  model: LayersModel,
  x: Tensor,
  y: Tensor,
  config: LoopConfig,
  start: LoopPosition,
  hooks: LoopHooks,
): Promise<{ outcome: LoopOutcome; position: LoopPosition }> {
  const n = x.shape[0];
  const batches = batchCount(n, config.batchSize);
  const pos: LoopPosition = { ...start };
  while (pos.epoch < config.epochs) {
    const order = epochOrder(n, config.seed, pos.epoch);
    const progress = startEpochProgress(pos.epoch + 1, config.epochs, batches, hooks.out);
    for (; pos.batch < batches; pos.batch++) {
      if (hooks.stop.requested) {
        progress.stop();
        return { outcome: { status: 'interrupted' }, position: pos };
      }
      const rows = order.subarray(pos.batch * config.batchSize, Math.min(n, (pos.batch + 1) * config.batchSize));
      const t0 = performance.now();
      const r = await model.trainOnBatch(gatherRows(x, rows), gatherRows(y, rows));
      const [loss, accuracy] = Array.isArray(r) ? r : [r, Number.NaN];
      if (!Number.isFinite(loss)) {
        progress.stop();
        return { outcome: { status: 'diverged', epoch: pos.epoch + 1, batch: pos.batch + 1, loss }, position: pos };
      }
      pos.seconds += (performance.now() - t0) / 1000;
      pos.step++;
      pos.seen += rows.length;
      pos.lossSum += loss * rows.length;
      pos.accuracySum += accuracy * rows.length;
      progress.update(pos.batch + 1, { loss: pos.lossSum / pos.seen, accuracy: pos.accuracySum / pos.seen, seen: pos.seen, seconds: pos.seconds });
      await yieldToEventLoop();
    }
    progress.stop();
    const record: EpochRecord = {
      epoch: pos.epoch + 1,
      loss: pos.lossSum / pos.seen,
      accuracy: pos.accuracySum / pos.seen,
      seconds: pos.seconds,
      imagesPerSecond: pos.seen / pos.seconds,
    };
    if (config.validation) {
      const [valLoss, valAccuracy] = model.evaluate(config.validation[0], config.validation[1], { batchSize: 256 }) as number[];
      Object.assign(record, { valLoss, valAccuracy });
    }
    Object.assign(pos, { ...START_POSITION, epoch: pos.epoch + 1, step: pos.step });
    await hooks.onEpochEnd(record, { ...pos });
  }
  return { outcome: { status: 'completed' }, position: pos };
}

import { InvalidArgumentError, Tensor, assertBoolean, assertInRange, assertNonNegativeInt, assertPositiveInt, dispose } from '@batchwise/core';
import { gatherRows, sliceRows } from '../engine/tensor-utils.js';
import { warn } from '../engine/warnings.js';
import type { Callback, Logs, TrainingModel } from '../training/callbacks.js';
import { checkPosition, epochOrder, epochStart, type FitPosition } from './fit-position.js';

export interface ModelFitArgs {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the training samples each epoch. Default true (tfjs). */
  shuffle?: boolean;
  /** Seed of the shuffle; epoch e uses a permutation drawn from (seed, e) alone. Default 0, so runs repeat exactly. */
  seed?: number;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. Default 0. */
  validationSplit?: number;
  /** [x, y] evaluated after each epoch (takes precedence over validationSplit). */
  validationData?: [Tensor | Tensor[], Tensor];
  /** Batch size of the validation pass. Default: batchSize. */
  validationBatchSize?: number;
  callbacks?: Callback | Callback[];
  /** 0 silent, 1 one line per epoch. Default 1. */
  verbose?: 0 | 1;
  /** Epoch to start at (Keras `initial_epoch`). Default 0. */
  initialEpoch?: number;
  /**
   * Where to resume, mid-epoch included: `History.position` of an interrupted fit or a
   * checkpoint's position. Takes precedence over initialEpoch.
   */
  initialPosition?: FitPosition;
  /** Stop when a batch loss is NaN or infinite (Keras TerminateOnNaN). Default true. */
  terminateOnNaN?: boolean;
  /**
   * When fit lets other work run (timers, signals, a page's events): after every 'batch', every
   * 'epoch', 'never', or 'auto' (after any batch once 50 ms have passed since the last yield). Default 'auto'.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never';
  /** Where verbose lines go. Default console.log. */
  printFn?: (line: string) => void;
}

export const FIT_DEFAULTS = { epochs: 1, batchSize: 32, shuffle: true, seed: 0, validationSplit: 0, verbose: 1, initialEpoch: 0, terminateOnNaN: true, yieldEvery: 'auto' } as const;

/** Logs keys fit adds besides loss and metrics. */
export const THROUGHPUT_KEYS = ['seconds', 'samplesPerSecond'] as const;

export interface History {
  epoch: number[];
  /** Loss and metrics per epoch (Keras keys; the epoch logs' seconds and samplesPerSecond are not kept here). */
  history: Record<string, number[]>;
  params: { epochs: number; batchSize: number; samples: number; metrics: string[] };
  /** Where training ended: pass it as initialPosition to continue (the next epoch after a full run). */
  position: FitPosition;
  /** Why training stopped early, when it did: a non-finite loss, or stopTraining set by a callback. */
  stopped?: 'nan' | 'requested';
  /** The message of a non-finite-loss stop. */
  stopReason?: string;
}

export interface FitHooks {
  xs: Tensor[];
  y: Tensor;
  step(xs: Tensor[], y: Tensor): { loss: number; metrics: number[] };
  evaluate(xs: Tensor[], y: Tensor, batchSize: number): number[];
  checkValidation(x: unknown): Tensor[];
  metricNames: string[];
}

function splitData(hooks: FitHooks, fn: string, args: ModelFitArgs) {
  if (args.validationData !== undefined) {
    if (!Array.isArray(args.validationData) || args.validationData.length !== 2 || !(args.validationData[1] instanceof Tensor)) {
      throw new InvalidArgumentError(`${fn}: validationData must be [x, y], received ${String(args.validationData)}.`);
    }
    return { train: { xs: hooks.xs, y: hooks.y }, val: { xs: hooks.checkValidation(args.validationData[0]), y: args.validationData[1] } };
  }
  const split = args.validationSplit ?? FIT_DEFAULTS.validationSplit;
  assertInRange(fn, 'validationSplit', split, 0, 1, { highOpen: true });
  const n = hooks.y.shape[0];
  if (split === 0) return { train: { xs: hooks.xs, y: hooks.y }, val: null };
  const at = Math.floor(n * (1 - split));
  if (at < 1 || at >= n) throw new InvalidArgumentError(`${fn}: validationSplit must leave samples on both sides of ${n} samples, received ${split}.`);
  const part = (s: number, e: number) => ({ xs: hooks.xs.map((t) => sliceRows(t, s, e)), y: sliceRows(hooks.y, s, e) });
  return { train: part(0, at), val: part(at, n) };
}

function checkArgs(fn: string, args: ModelFitArgs) {
  const epochs = args.epochs ?? FIT_DEFAULTS.epochs;
  assertPositiveInt(fn, 'epochs', epochs);
  const batchSize = args.batchSize ?? FIT_DEFAULTS.batchSize;
  assertPositiveInt(fn, 'batchSize', batchSize);
  const validationBatchSize = args.validationBatchSize ?? batchSize;
  assertPositiveInt(fn, 'validationBatchSize', validationBatchSize);
  const shuffle = args.shuffle ?? FIT_DEFAULTS.shuffle;
  assertBoolean(fn, 'shuffle', shuffle);
  const seed = args.seed ?? FIT_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`${fn}: seed must be an integer, received ${String(seed)}.`);
  const initialEpoch = args.initialEpoch ?? FIT_DEFAULTS.initialEpoch;
  assertNonNegativeInt(fn, 'initialEpoch', initialEpoch);
  const terminateOnNaN = args.terminateOnNaN ?? FIT_DEFAULTS.terminateOnNaN;
  assertBoolean(fn, 'terminateOnNaN', terminateOnNaN);
  const verbose = args.verbose ?? FIT_DEFAULTS.verbose;
  if (verbose !== 0 && verbose !== 1) throw new InvalidArgumentError(`${fn}: verbose must be 0 or 1, received ${String(verbose)}.`);
  const yieldEvery = args.yieldEvery ?? FIT_DEFAULTS.yieldEvery;
  if (!['auto', 'batch', 'epoch', 'never'].includes(yieldEvery)) {
    throw new InvalidArgumentError(`${fn}: yieldEvery must be one of 'auto', 'batch', 'epoch', 'never', received ${String(yieldEvery)}.`);
  }
  return { epochs, batchSize, validationBatchSize, shuffle, seed, initialEpoch, terminateOnNaN, verbose, yieldEvery };
}

/** Lets timers, signal handlers and UI events run between synchronous training steps. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** How often 'auto' yields. */
const AUTO_YIELD_MS = 50;

const isThroughputKey = (k: string) => (THROUGHPUT_KEYS as readonly string[]).includes(k);

function epochLine(epoch: number, epochs: number, logs: Logs): string {
  const metrics = Object.entries(logs).filter(([k]) => !isThroughputKey(k));
  const parts = metrics.map(([k, v]) => `${k}: ${v.toPrecision(5)}`);
  return `Epoch ${epoch + 1}/${epochs} - ${parts.join(' - ')} - ${logs.seconds.toFixed(1)} s (${Math.round(logs.samplesPerSecond)} samples/s)`;
}

/**
 * The fit loop: epochs of shuffled batches, callbacks, validation, early stop
 * and stop-on-NaN. It can start at any position (mid-epoch included) and
 * reports where it ended, so an interrupted run continues bit for bit.
 */
export async function fitLoop(model: TrainingModel, fn: string, hooks: FitHooks, args: ModelFitArgs): Promise<History> {
  const o = checkArgs(fn, args);
  const print = args.printFn ?? ((line: string) => console.log(line));
  const { train, val } = splitData(hooks, fn, args);
  const callbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  const n = train.y.shape[0];
  const batches = Math.ceil(n / o.batchSize);
  const names = ['loss', ...hooks.metricNames];
  const pos: FitPosition = args.initialPosition !== undefined ? checkPosition(fn, args.initialPosition, names.length, batches) : epochStart(o.initialEpoch, 0, names.length);
  const history: History = { epoch: [], history: {}, params: { epochs: o.epochs, batchSize: o.batchSize, samples: n, metrics: names }, position: pos };

  model.stopTraining = false;
  model.fitPosition = pos;
  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) cb.setParams?.({ epochs: o.epochs, batchSize: o.batchSize, samples: n, batches, seed: o.seed, shuffle: o.shuffle, metrics: names });
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  let lastYield = performance.now();
  while (pos.epoch < o.epochs && !model.stopTraining) {
    const epoch = pos.epoch;
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    const order = epochOrder(n, o.seed, epoch, o.shuffle);
    for (; pos.batch < batches && !model.stopTraining; ) {
      const b = pos.batch;
      const idx = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
      const batchLogs: Logs = { batch: b, size: idx.length };
      for (const cb of callbacks) await cb.onBatchBegin?.(b, batchLogs);
      const bx = train.xs.map((t) => gatherRows(t, idx));
      const by = gatherRows(train.y, idx);
      const t0 = performance.now();
      const r = hooks.step(bx, by);
      const seconds = (performance.now() - t0) / 1000;
      // The batch copies go back to the pool: the next batch has the same size.
      dispose([bx, by]);
      [r.loss, ...r.metrics].forEach((v, i) => (batchLogs[names[i]] = v));
      batchLogs.seconds = seconds;
      batchLogs.samplesPerSecond = idx.length / seconds;
      if (terminateOnNaNHit(o.terminateOnNaN, r.loss)) {
        // The step skipped its update: the position stays at this batch.
        history.stopped = 'nan';
        history.stopReason =
          `${fn}: loss became ${r.loss} at epoch ${epoch + 1}, batch ${b}; training stopped (terminateOnNaN). ` +
          'That batch was not applied: weights and moving statistics are those before it. Check the inputs for NaN/Infinity and lower the learning rate.';
        warn(history.stopReason);
        model.stopTraining = true;
        for (const cb of callbacks) await cb.onBatchEnd?.(b, batchLogs);
        break;
      }
      pos.batch++;
      pos.step++;
      pos.seen += idx.length;
      pos.seconds += seconds;
      [r.loss, ...r.metrics].forEach((v, i) => (pos.sums[i] += v * idx.length));
      for (const cb of callbacks) await cb.onBatchEnd?.(b, batchLogs);
      if (o.yieldEvery === 'batch' || (o.yieldEvery === 'auto' && performance.now() - lastYield > AUTO_YIELD_MS)) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (pos.batch < batches && !history.stopped) history.stopped = 'requested';
    const logs: Logs = {};
    names.forEach((name, i) => (logs[name] = pos.sums[i] / Math.max(pos.seen, 1)));
    if (val && pos.batch === batches) {
      hooks.evaluate(val.xs, val.y, o.validationBatchSize).forEach((v, i) => (logs[`val_${names[i]}`] = v));
    }
    logs.seconds = pos.seconds;
    logs.samplesPerSecond = pos.seen / Math.max(pos.seconds, 1e-9);
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) if (!isThroughputKey(k)) (history.history[k] ??= []).push(v);
    if (o.verbose === 1) print(epochLine(epoch, o.epochs, logs));
    // A finished epoch moves the position to the next one before callbacks run, so a checkpoint taken there resumes after it.
    if (pos.batch === batches) Object.assign(pos, epochStart(epoch + 1, pos.step, names.length));
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    if (o.yieldEvery !== 'never') {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
  }
  if (model.stopTraining && !history.stopped) history.stopped = 'requested';
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  model.fitPosition = null;
  return history;
}

function terminateOnNaNHit(enabled: boolean, loss: number): boolean {
  return enabled && !Number.isFinite(loss);
}

import { InvalidArgumentError, Random, assertBoolean, assertInRange, assertNonNegativeInt, assertPositiveInt, Tensor, dispose } from '@batchwise/core';
import { gatherRows, sliceRows } from '../engine/tensor-utils.js';
import { warn } from '../engine/warnings.js';
import type { Callback, Logs, TrainingModel } from '../training/callbacks.js';

export interface ModelFitArgs {
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Shuffle the training samples each epoch. Default true (tfjs). */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0, so runs repeat exactly. */
  seed?: number;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. Default 0. */
  validationSplit?: number;
  /** [x, y] evaluated after each epoch (takes precedence over validationSplit). */
  validationData?: [Tensor | Tensor[], Tensor];
  callbacks?: Callback | Callback[];
  /** 0 silent, 1 one line per epoch. Default 1. */
  verbose?: 0 | 1;
  /** Epoch to start counting from. Default 0. */
  initialEpoch?: number;
  /** Stop when a batch loss is NaN or infinite (Keras TerminateOnNaN). Default true. */
  terminateOnNaN?: boolean;
  /** Where verbose lines go. Default console.log. */
  printFn?: (line: string) => void;
}

export const FIT_DEFAULTS = { epochs: 1, batchSize: 32, shuffle: true, seed: 0, validationSplit: 0, verbose: 1, initialEpoch: 0, terminateOnNaN: true } as const;

export interface History {
  epoch: number[];
  history: Record<string, number[]>;
  params: { epochs: number; batchSize: number; samples: number; metrics: string[] };
  /** Why training stopped early, when it did. */
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

/** The fit loop: epochs of shuffled batches, callbacks, validation, early stop and stop-on-NaN. */
export async function fitLoop(model: TrainingModel, fn: string, hooks: FitHooks, args: ModelFitArgs): Promise<History> {
  const epochs = args.epochs ?? FIT_DEFAULTS.epochs;
  assertPositiveInt(fn, 'epochs', epochs);
  const batchSize = args.batchSize ?? FIT_DEFAULTS.batchSize;
  assertPositiveInt(fn, 'batchSize', batchSize);
  const shuffle = args.shuffle ?? FIT_DEFAULTS.shuffle;
  assertBoolean(fn, 'shuffle', shuffle);
  const initialEpoch = args.initialEpoch ?? FIT_DEFAULTS.initialEpoch;
  assertNonNegativeInt(fn, 'initialEpoch', initialEpoch);
  const terminateOnNaN = args.terminateOnNaN ?? FIT_DEFAULTS.terminateOnNaN;
  assertBoolean(fn, 'terminateOnNaN', terminateOnNaN);
  const verbose = args.verbose ?? FIT_DEFAULTS.verbose;
  if (verbose !== 0 && verbose !== 1) throw new InvalidArgumentError(`${fn}: verbose must be 0 or 1, received ${String(verbose)}.`);
  const print = args.printFn ?? ((line: string) => console.log(line));
  const { train, val } = splitData(hooks, fn, args);
  const callbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
  const rng = new Random(args.seed ?? FIT_DEFAULTS.seed);
  const n = train.y.shape[0];
  const names = ['loss', ...hooks.metricNames];
  const history: History = { epoch: [], history: {}, params: { epochs, batchSize, samples: n, metrics: names } };

  model.stopTraining = false;
  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) rng.shuffle(order);
    const sums = new Array<number>(names.length).fill(0);
    let seen = 0;
    for (let b = 0, start = 0; start < n; b++, start += batchSize) {
      const idx = order.subarray(start, Math.min(n, start + batchSize));
      const batchLogs: Logs = { batch: b, size: idx.length };
      for (const cb of callbacks) await cb.onBatchBegin?.(b, batchLogs);
      const bx = train.xs.map((t) => gatherRows(t, idx));
      const by = gatherRows(train.y, idx);
      const r = hooks.step(bx, by);
      // The batch copies go back to the pool: the next batch has the same size.
      dispose([bx, by]);
      [r.loss, ...r.metrics].forEach((v, i) => {
        batchLogs[names[i]] = v;
        sums[i] += v * idx.length;
      });
      seen += idx.length;
      for (const cb of callbacks) await cb.onBatchEnd?.(b, batchLogs);
      if (terminateOnNaN && !Number.isFinite(r.loss)) {
        history.stopReason =
          `${fn}: loss became ${r.loss} at epoch ${epoch + 1}, batch ${b}; training stopped (terminateOnNaN). ` +
          'That batch was not applied: weights and moving statistics are those before it. Check the inputs for NaN/Infinity and lower the learning rate.';
        warn(history.stopReason);
        model.stopTraining = true;
      }
      if (model.stopTraining) break;
    }
    const logs: Logs = {};
    names.forEach((name, i) => (logs[name] = sums[i] / Math.max(seen, 1)));
    if (val && !history.stopReason) {
      hooks.evaluate(val.xs, val.y, batchSize).forEach((v, i) => (logs[`val_${names[i]}`] = v));
    }
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
    if (verbose === 1) print(`Epoch ${epoch + 1}/${epochs} - ${Object.entries(logs).map(([k, v]) => `${k}: ${v.toPrecision(5)}`).join(' - ')}`);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return history;
}

import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { epochOrder, gatherRows } from '../training/batches.js';
import type { Progress } from './progress.js';

/*
 * The experiments count optimizer steps, as Ioffe & Szegedy's figures do,
 * and look at the model every `every` steps. Batches always hold exactly
 * `batchSize` examples: a short last batch would give Batch Norm noisier
 * statistics than the others, so the remainder of each shuffled epoch is
 * left out and the next epoch's permutation begins (order from
 * training/batches.ts, seeded per epoch).
 */

export interface StepLoopOptions {
  steps: number;
  batchSize: number;
  seed: number;
  /** Calls `onCheck` after this many steps (and at step 0 and after the last step). */
  every: number;
  /** Measures the model; step 0 is before any training. */
  onCheck(step: number): void;
  progress?: Progress;
}

export interface StepLoopResult {
  /** Steps actually run (fewer than asked when the loss became non-finite). */
  steps: number;
  /** Mean training loss over each `every`-step window, keyed by the step ending it. */
  trainLoss: [number, number][];
  /** First step whose training loss was NaN or infinite, or null. */
  divergedAt: number | null;
  seconds: number;
}

/** Steps per epoch with the remainder dropped (at least 1: a set smaller than a batch is one batch). */
export function stepsPerEpoch(examples: number, batchSize: number): number {
  return Math.max(1, Math.floor(examples / batchSize));
}

/** Lets a pending SIGINT or progress redraw run between synchronous training steps. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainSteps(model: LayersModel, x: Tensor, y: Tensor, o: StepLoopOptions): Promise<StepLoopResult> {
  const n = x.shape[0];
  const batch = Math.min(o.batchSize, n);
  const perEpoch = stepsPerEpoch(n, batch);
  const trainLoss: [number, number][] = [];
  const t0 = performance.now();
  let order = epochOrder(n, o.seed, 0);
  let windowSum = 0;
  let windowCount = 0;
  let reported = 0;
  o.onCheck(0);
  for (let step = 1; step <= o.steps; step++) {
    const epoch = Math.floor((step - 1) / perEpoch);
    const within = (step - 1) % perEpoch;
    if (within === 0 && epoch > 0) order = epochOrder(n, o.seed, epoch);
    const rows = order.subarray(within * batch, (within + 1) * batch);
    const r = await model.trainOnBatch(gatherRows(x, rows), gatherRows(y, rows));
    const loss = Array.isArray(r) ? r[0] : r;
    if (!Number.isFinite(loss)) {
      o.progress?.advance(o.steps - reported);
      trainLoss.push([step, loss]);
      return { steps: step, trainLoss, divergedAt: step, seconds: (performance.now() - t0) / 1000 };
    }
    windowSum += loss;
    windowCount++;
    if (step % o.every === 0 || step === o.steps) {
      trainLoss.push([step, windowSum / windowCount]);
      windowSum = 0;
      windowCount = 0;
      o.onCheck(step);
      o.progress?.advance(step - reported);
      reported = step;
      await yieldToEventLoop();
    }
  }
  return { steps: o.steps, trainLoss, divergedAt: null, seconds: (performance.now() - t0) / 1000 };
}

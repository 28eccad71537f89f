import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import type { Output } from '../cli/output.js';
import { batchCount, epochOrder, gatherRows } from '../training/batches.js';
import { startProgress } from './progress.js';

/*
 * Trains a compiled model for a number of optimizer steps (cycling through
 * shuffled epochs) and evaluates it every `evalEvery` steps, as the paper's
 * figures do (accuracy against training steps rather than epochs). Stops
 * early, and says so, when the loss stops being finite.
 */

export interface CurvePoint {
  step: number;
  /** Metrics on the evaluation set, in inference mode. */
  evalLoss: number;
  evalAccuracy: number;
  /** Mean training loss over the steps since the previous point. */
  trainLoss: number;
}

export interface StepRun {
  curve: CurvePoint[];
  /** Step at which the loss became non-finite, or null. */
  divergedAt: number | null;
  steps: number;
  seconds: number;
}

export interface StepRunOptions {
  steps: number;
  batchSize: number;
  evalEvery: number;
  seed: number;
  evalData: [Tensor, Tensor];
  /** Extra measurement at each evaluation point (covariate-shift reads a hidden unit here). */
  onEval?: (step: number) => void;
  /** Label for the status line. */
  label: string;
}

/** Runs shorter than this finish in seconds and draw no progress. */
export const PROGRESS_MIN_STEPS = 1000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runSteps(model: LayersModel, x: Tensor, y: Tensor, o: StepRunOptions, out: Output): Promise<StepRun> {
  const n = x.shape[0];
  const perEpoch = batchCount(n, o.batchSize);
  const curve: CurvePoint[] = [];
  const evaluate = (step: number, trainLoss: number) => {
    const r = model.evaluate(o.evalData[0], o.evalData[1], { batchSize: 500 });
    const [evalLoss, evalAccuracy] = Array.isArray(r) ? r : [r, Number.NaN];
    curve.push({ step, evalLoss, evalAccuracy, trainLoss });
    o.onEval?.(step);
  };
  const t0 = performance.now();
  const progress = o.steps >= PROGRESS_MIN_STEPS ? startProgress(out, o.label, o.steps) : null;
  evaluate(0, Number.NaN);
  let order = epochOrder(n, o.seed, 0);
  let lossSum = 0;
  let lossCount = 0;
  let divergedAt: number | null = null;
  for (let step = 1; step <= o.steps; step++) {
    const epoch = Math.floor((step - 1) / perEpoch);
    const b = (step - 1) % perEpoch;
    if (b === 0 && epoch > 0) order = epochOrder(n, o.seed, epoch);
    const rows = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
    const r = await model.trainOnBatch(gatherRows(x, rows), gatherRows(y, rows));
    const loss = Array.isArray(r) ? r[0] : r;
    if (!Number.isFinite(loss)) {
      divergedAt = step;
      curve.push({ step, evalLoss: Number.NaN, evalAccuracy: Number.NaN, trainLoss: loss });
      out.status(`${o.label}: loss became ${loss} at step ${step}; stopped`);
      break;
    }
    lossSum += loss;
    lossCount++;
    if (step % o.evalEvery === 0 || step === o.steps) {
      evaluate(step, lossSum / lossCount);
      progress?.advance(step - (curve[curve.length - 2]?.step ?? 0));
      lossSum = 0;
      lossCount = 0;
      await yieldToEventLoop();
    }
  }
  progress?.stop();
  const last = curve[curve.length - 1];
  if (divergedAt === null) {
    const score = Number.isFinite(last.evalAccuracy) ? `accuracy ${(last.evalAccuracy * 100).toFixed(1)}%` : `loss ${last.evalLoss.toPrecision(4)}`;
    out.status(`${o.label}: ${o.steps} steps, ${score}`);
  }
  return { curve, divergedAt, steps: divergedAt ?? o.steps, seconds: (performance.now() - t0) / 1000 };
}

/** First step at which the evaluation accuracy reached `target`, or null. */
export function stepsToReach(run: StepRun, target: number): number | null {
  return run.curve.find((p) => p.evalAccuracy >= target)?.step ?? null;
}

/** The final (or last finite) evaluation accuracy. */
export function finalAccuracy(run: StepRun): number {
  const finite = run.curve.filter((p) => Number.isFinite(p.evalAccuracy));
  return finite.length ? finite[finite.length - 1].evalAccuracy : Number.NaN;
}

import type { Tensor } from '@batchwise/core';
import type { Callback, LayersModel } from '@batchwise/layers';
import type { Output } from '../cli/output.js';
import { batchCount } from '../training/batches.js';
import { correctness } from './correctness.js';
import { startProgress } from './progress.js';

/*
 * Trains a compiled model with model.fit for a number of optimizer steps
 * (cycling through shuffled epochs) and evaluates it every `evalEvery` steps,
 * as the paper's figures do (accuracy against training steps rather than
 * epochs). Stops early, and says so, when the loss stops being finite.
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
  /** Per test example, 1 if the final model classifies it right (with StepRunOptions.labels; null after a divergence). */
  finalCorrect: Uint8Array | null;
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
  /** Class labels of evalData: record which examples the final model gets right. */
  labels?: Int32Array;
  /** Also evaluate every `every` steps up to step `until` (finer where the curves move fast). */
  early?: { every: number; until: number };
}

/** Runs shorter than this finish in seconds and draw no progress. */
export const PROGRESS_MIN_STEPS = 1000;

/**
 * model.fit for `steps` optimizer steps (the last epoch cut short), with a
 * callback that evaluates every `evalEvery` steps and stops at the budget.
 */
export async function runSteps(model: LayersModel, x: Tensor, y: Tensor, o: StepRunOptions, out: Output): Promise<StepRun> {
  const n = x.shape[0];
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
  let lossSum = 0;
  let lossCount = 0;
  let divergedAt: number | null = null;
  const evaluator: Callback = {
    onBatchEnd(_batch, logs) {
      const step = model.fitPosition!.step;
      if (!Number.isFinite(logs.loss)) {
        // fit stops here (terminateOnNaN) without applying the batch.
        divergedAt = step + 1;
        curve.push({ step: step + 1, evalLoss: Number.NaN, evalAccuracy: Number.NaN, trainLoss: logs.loss });
        out.status(`${o.label}: loss became ${logs.loss} at step ${step + 1}; stopped`);
        return;
      }
      lossSum += logs.loss;
      lossCount++;
      const early = o.early !== undefined && step <= o.early.until && step % o.early.every === 0;
      if (step % o.evalEvery === 0 || early || step === o.steps) {
        evaluate(step, lossSum / lossCount);
        progress?.advance(step - (curve[curve.length - 2]?.step ?? 0));
        lossSum = 0;
        lossCount = 0;
      }
      if (step >= o.steps) model.stopTraining = true;
    },
  };
  const epochs = Math.ceil(o.steps / batchCount(n, o.batchSize));
  await model.fit(x, y, { epochs, batchSize: o.batchSize, seed: o.seed, verbose: 0, callbacks: [evaluator] });
  progress?.stop();
  const last = curve[curve.length - 1];
  if (divergedAt === null) {
    const score = Number.isFinite(last.evalAccuracy) ? `accuracy ${(last.evalAccuracy * 100).toFixed(1)}%` : `loss ${last.evalLoss.toPrecision(4)}`;
    out.status(`${o.label}: ${o.steps} steps, ${score}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const finalCorrect = o.labels && divergedAt === null ? correctness(model, o.evalData[0], o.labels) : null;
  return { curve, divergedAt, steps: divergedAt ?? o.steps, seconds, finalCorrect };
}

/** First step at which the evaluation accuracy reached `target`, or null. */
export function stepsToReach(run: StepRun, target: number): number | null {
  return run.curve.find((p) => p.evalAccuracy >= target)?.step ?? null;
}

/** The accuracy of the last evaluation: the end is the end (NaN after a divergence). */
export function finalAccuracy(run: StepRun): number {
  return run.divergedAt === null ? run.curve[run.curve.length - 1].evalAccuracy : Number.NaN;
}

/**
 * Runs' curves on common x values (the steps of the longest run), one row
 * per run; a run that stopped early (diverged) is NaN from there on.
 */
export function alignCurves(runs: readonly StepRun[], pick: (p: CurvePoint) => number): { xs: number[]; perSeed: number[][] } {
  const longest = runs.reduce((a, r) => (r.curve.length > a.curve.length ? r : a), runs[0]);
  const xs = longest.curve.map((c) => c.step);
  const perSeed = runs.map((r) => {
    const byStep = new Map(r.curve.map((c) => [c.step, pick(c)]));
    return xs.map((x) => byStep.get(x) ?? Number.NaN);
  });
  return { xs, perSeed };
}

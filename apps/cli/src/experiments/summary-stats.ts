import type { StepRun } from './step-runner.js';

/*
 * Summaries the experiments share. A run's end accuracy is the mean of its
 * last TAIL evaluations: with Batch Norm the inference-mode accuracy jitters
 * from one evaluation to the next (the moving statistics lag the weights),
 * so the single last point can be a point or more off.
 */

export const TAIL = 5;

export function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation (0 for one value). */
export function stdOf(values: readonly number[]): number {
  const m = meanOf(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}

/** Mean evaluation accuracy over the last TAIL evaluations after step 0 (NaN if none is finite). */
export function endAccuracy(run: StepRun): number {
  const points = run.curve.filter((c) => c.step > 0 && Number.isFinite(c.evalAccuracy)).slice(-TAIL);
  return points.length === 0 ? Number.NaN : meanOf(points.map((c) => c.evalAccuracy));
}

/** Binomial standard error of an accuracy measured on n examples. */
export function accuracyStandardError(accuracy: number, n: number): number {
  return Math.sqrt((accuracy * (1 - accuracy)) / n);
}

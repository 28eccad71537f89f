import { packBits, unpackBits } from './correctness.js';
import type { CurvePoint, StepRun } from './step-runner.js';

/*
 * A StepRun as JSON and back: curves as columns (compact), the per-example
 * correctness as packed bits, and non-finite numbers as null (JSON has no
 * NaN), restored to NaN on the way back.
 */

export interface RunRecord {
  seed: number;
  divergedAt: number | null;
  steps: number;
  seconds: number;
  curve: { step: number[]; evalAccuracy: (number | null)[]; evalLoss: (number | null)[]; trainLoss: (number | null)[] };
  /** Packed bits, one per test example (see correctness.ts). */
  correct: string | null;
  /** Test examples behind `correct`. */
  examples: number | null;
}

const toJson = (v: number): number | null => (Number.isFinite(v) ? v : null);
const fromJson = (v: number | null): number => (v === null ? Number.NaN : v);

export function toRecord(run: StepRun, seed: number): RunRecord {
  return {
    seed,
    divergedAt: run.divergedAt,
    steps: run.steps,
    seconds: run.seconds,
    curve: {
      step: run.curve.map((c) => c.step),
      evalAccuracy: run.curve.map((c) => toJson(c.evalAccuracy)),
      evalLoss: run.curve.map((c) => toJson(c.evalLoss)),
      trainLoss: run.curve.map((c) => toJson(c.trainLoss)),
    },
    correct: run.finalCorrect ? packBits(run.finalCorrect) : null,
    examples: run.finalCorrect ? run.finalCorrect.length : null,
  };
}

export function fromRecord(r: RunRecord): StepRun {
  const curve: CurvePoint[] = r.curve.step.map((step, i) => ({
    step, evalAccuracy: fromJson(r.curve.evalAccuracy[i]), evalLoss: fromJson(r.curve.evalLoss[i]), trainLoss: fromJson(r.curve.trainLoss[i]),
  }));
  return { curve, divergedAt: r.divergedAt, steps: r.steps, seconds: r.seconds, finalCorrect: r.correct === null ? null : unpackBits(r.correct, r.examples!) };
}

import { CNN_BN_PRESET, CNN_BN_TRAINING } from '../models/specs.js';

/*
 * Time to accuracy: the CLI's main job (`batchwise train`: the cnn-bn preset
 * on Fashion-MNIST, its optimizer, batch size and per-epoch learning-rate
 * decay, seed 1, the last 10 % of the training split held out) trained until
 * the test accuracy reaches the target. The test set is evaluated a few
 * times per epoch; evaluation is not counted as training time.
 */

/** Who trains to the target: our backends (all threads) and PyTorch. */
export const ACCURACY_CONTENDERS = ['native', 'wasm', 'cpu', 'torch'] as const;

export interface AccuracySettings {
  target: number;
  maxEpochs: number;
  /** Test evaluations per epoch (and always one at the end of an epoch). */
  evalsPerEpoch: number;
  evalBatchSize: number;
  /** Training and test examples; undefined = the main job's (54,000 and 10,000). */
  trainLimit?: number;
  testLimit?: number;
}

export const ACCURACY_DEFAULTS: AccuracySettings = { target: 0.9, maxEpochs: CNN_BN_TRAINING.epochs, evalsPerEpoch: 4, evalBatchSize: 256 };

/** A smoke run: a few batches and a small test set; the target is not expected to be reached. */
export const ACCURACY_QUICK: AccuracySettings = { ...ACCURACY_DEFAULTS, maxEpochs: 1, evalsPerEpoch: 1, trainLimit: 512, testLimit: 256 };

export const ACCURACY_SPEC = CNN_BN_PRESET;

/** Steps between evaluations, from the steps of an epoch. */
export function evalEvery(trainExamples: number, batchSize: number, evalsPerEpoch: number): number {
  return Math.max(1, Math.ceil(Math.ceil(trainExamples / batchSize) / evalsPerEpoch));
}

/** One test evaluation during training. */
export interface EvalPoint {
  step: number;
  /** Epochs done, fractional. */
  epoch: number;
  /** Training seconds so far (evaluations excluded). */
  seconds: number;
  accuracy: number;
  evalSeconds: number;
}

export interface AccuracyRun {
  contender: string;
  label: string;
  evals: EvalPoint[];
  /** Training seconds at the first evaluation at or above the target; undefined when not reached. */
  secondsToTarget?: number;
  epochsToTarget?: number;
  unavailable?: string;
}

/** Where the target was first reached. */
export function firstReach(evals: readonly EvalPoint[], target: number): { seconds?: number; epoch?: number } {
  const hit = evals.find((e) => e.accuracy >= target);
  return hit ? { seconds: hit.seconds, epoch: hit.epoch } : {};
}

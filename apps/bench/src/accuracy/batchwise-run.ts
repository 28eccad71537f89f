import { setBackend } from '@batchwise/core';
import * as layersApi from '@batchwise/layers';
import { callbacks, exponentialDecay, type Callback, type LayersModel, type TrainingModel } from '@batchwise/layers';
import { buildModel, type LayersApi } from '../models/definitions.js';
import { CNN_BN_TRAINING } from '../models/specs.js';
import type { AccuracyData } from './data.js';
import { ACCURACY_SPEC, evalEvery, type AccuracySettings, type EvalPoint } from './settings.js';

/*
 * One backend of ours to the target: @batchwise/layers' fit with the CLI's
 * learning-rate schedule, and a callback that evaluates the test set every
 * `evalEvery` steps with the training clock paused, stopping at the target.
 */

/** The cnn-bn preset compiled with accuracy, weights drawn from `seed` (as `batchwise train`). */
export function accuracyModel(seed: number): LayersModel {
  const model = buildModel(layersApi as unknown as LayersApi, ACCURACY_SPEC, ['accuracy']) as unknown as LayersModel;
  model.initializeWeights(seed);
  return model;
}

function evaluator(
  model: LayersModel,
  data: AccuracyData,
  s: AccuracySettings,
  onEval: (e: EvalPoint) => void,
): Callback & { evals: EvalPoint[] } {
  const n = data.trainX.shape[0];
  const batchSize = ACCURACY_SPEC.trainBatch;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const every = evalEvery(n, batchSize, s.evalsPerEpoch);
  let training: TrainingModel | undefined;
  let step = 0;
  let trainedMs = 0;
  let segment = 0;
  const evals: EvalPoint[] = [];
  return {
    evals,
    setModel: (m) => void (training = m),
    onTrainBegin: () => void (segment = performance.now()),
    onBatchEnd(batch) {
      step++;
      if (step % every !== 0 && batch !== stepsPerEpoch - 1) return;
      const t = performance.now();
      trainedMs += t - segment;
      const [, accuracy] = model.evaluate(data.testX, data.testY, { batchSize: s.evalBatchSize }) as number[];
      const e: EvalPoint = { step, epoch: step / stepsPerEpoch, seconds: trainedMs / 1000, accuracy, evalSeconds: (performance.now() - t) / 1000 };
      evals.push(e);
      onEval(e);
      if (accuracy >= s.target && training) training.stopTraining = true;
      segment = performance.now();
    },
  };
}

/** Trains on `backendName` (already at its thread count) until the target or the last epoch. */
export async function trainToAccuracy(backendName: string, data: AccuracyData, s: AccuracySettings, onEval: (e: EvalPoint) => void): Promise<EvalPoint[]> {
  setBackend(backendName);
  const model = accuracyModel(CNN_BN_TRAINING.seed);
  const lr = ACCURACY_SPEC.optimizer.learningRate;
  const cb = evaluator(model, data, s, onEval);
  await model.fit(data.trainX, data.trainY, {
    epochs: s.maxEpochs,
    batchSize: ACCURACY_SPEC.trainBatch,
    seed: CNN_BN_TRAINING.seed,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: [callbacks.learningRateScheduler(exponentialDecay({ initialLearningRate: lr, decayRate: CNN_BN_TRAINING.lrDecay })), cb],
  });
  return cb.evals;
}

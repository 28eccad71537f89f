import { listBackends } from '@batchwise/core';
import { loadOurBackend } from '../contenders/ours.js';
import type { TorchChild } from '../torch/child.js';
import { weightArrays, type WeightedModel } from '../models/weights.js';
import { CNN_BN_TRAINING } from '../models/specs.js';
import { accuracyModel } from './batchwise-run.js';
import type { AccuracyData } from './data.js';
import { ACCURACY_SPEC, evalEvery, type AccuracySettings, type EvalPoint } from './settings.js';

/*
 * PyTorch to the target: the child trains the same architecture from the
 * same starting weights (batchwise's seed-1 draw, converted to PyTorch's
 * layouts) on the same arrays, with the same optimizer, batch size,
 * learning-rate schedule and evaluation points. Its shuffle is its own
 * (torch.randperm, seeded).
 */

/**
 * batchwise's seed-1 starting weights for PyTorch. Drawing them needs a
 * backend: a run of PyTorch alone (`--only torch`) has loaded none, so the
 * always-available cpu backend is registered then.
 */
export async function torchStartingWeights(): Promise<ReturnType<typeof weightArrays>> {
  if (!listBackends().some((b) => b.available)) await loadOurBackend('cpu');
  return weightArrays(accuracyModel(CNN_BN_TRAINING.seed) as unknown as WeightedModel, 'before.');
}

export async function torchToAccuracy(child: TorchChild, data: AccuracyData, s: AccuracySettings, onEval: (e: EvalPoint) => void): Promise<EvalPoint[]> {
  const start = await torchStartingWeights();
  const n = data.trainX.shape[0];
  const arrays = {
    ...start,
    trainX: { data: data.trainX.data, shape: data.trainX.shape },
    trainLabels: { data: data.trainLabels, shape: [data.trainLabels.length] },
    testX: { data: data.testX.data, shape: data.testX.shape },
    testLabels: { data: data.testLabels, shape: [data.testLabels.length] },
  };
  const reply = await child.withArrays(arrays, (file) =>
    child.request<{ evals: EvalPoint[] }>(
      'fit',
      {
        data: file,
        spec: ACCURACY_SPEC,
        layout: 'channels-last',
        batchSize: ACCURACY_SPEC.trainBatch,
        maxEpochs: s.maxEpochs,
        lrDecay: CNN_BN_TRAINING.lrDecay,
        seed: CNN_BN_TRAINING.seed,
        evalEvery: evalEvery(n, ACCURACY_SPEC.trainBatch, s.evalsPerEpoch),
        evalBatchSize: s.evalBatchSize,
        target: s.target,
        stopAtTarget: true,
      },
      (e) => onEval(e as unknown as EvalPoint),
    ),
  );
  return reply.evals;
}

import type { Tensor } from '@batchwise/core';
import { callbacks, exponentialDecay, train, type CheckpointHistory, type FitPosition, type LayersModel, type Optimizer } from '@batchwise/layers';
import { join } from 'node:path';
import type { Output } from '../cli/output.js';
import { writeJsonAtomic } from '../report/atomic-write.js';
import { formatPercent } from '../report/html-escape.js';
import { writeReport } from '../report/html-report.js';
import { trainReport } from '../report/train-report.js';
import { recordOf, recordsOf, type EpochRecord } from './epoch-records.js';
import { listenForInterrupt, stopOnSignal } from './interrupt.js';
import { progressBar } from './progress.js';
import { recordBatchLosses } from './batch-losses.js';
import type { RunSettings } from './run-settings.js';

/*
 * One `batchwise train` run: @batchwise/layers' fit does the training; this
 * file picks its callbacks (progress bar, learning-rate decay, checkpoints,
 * Ctrl-C) and turns the outcome into the run directory's files: the model
 * (TensorFlow.js format), report.html and metrics.json.
 */

/** Momentum of the `momentum` optimizer (SGD with classical momentum). */
export const MOMENTUM = 0.9;

export interface TrainingJob {
  runDir: string;
  /** Compiled already when resumed (the checkpoint restores the optimizer). */
  model: LayersModel;
  description: string;
  settings: RunSettings;
  backend: string;
  train: [Tensor, Tensor];
  test: [Tensor, Tensor];
  resume?: { position: FitPosition; history: CheckpointHistory };
}

export interface TrainingResult {
  status: 'completed' | 'interrupted' | 'diverged';
  runDir: string;
  model: string | null;
  report: string;
  checkpoint: string | null;
  message: string;
  test: { loss: number; accuracy: number } | null;
  history: EpochRecord[];
  backend: string;
  trainExamples: number;
  validationExamples: number;
  testExamples: number;
}

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoint');
}

export function makeOptimizer(s: RunSettings): Optimizer {
  if (s.optimizer === 'adam') return train.adam(s.learningRate);
  return train.sgd({ learningRate: s.learningRate, momentum: s.optimizer === 'momentum' ? MOMENTUM : 0 });
}

export async function runTraining(job: TrainingJob, out: Output): Promise<TrainingResult> {
  const s = job.settings;
  const model = job.model;
  if (!job.resume) model.compile({ optimizer: makeOptimizer(s), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history: EpochRecord[] = job.resume ? recordsOf(job.resume.history) : [];
  const checkpoint = callbacks.checkpoint({ dir: checkpointDir(job.runDir), history: job.resume?.history, metadata: s, saveOnBegin: true });
  let lastLoss = Number.NaN;
  const epochLines = {
    onBatchEnd: (_b: number, logs: Record<string, number>) => void (lastLoss = logs.loss),
    onEpochEnd(epoch: number, logs: Record<string, number>) {
      if (model.fitPosition?.batch !== 0) return; // stopped mid-epoch: not a finished epoch
      const record = recordOf(epoch, logs);
      history.push(record);
      const val = record.valAccuracy === undefined ? '' : `, val loss ${record.valLoss!.toFixed(4)}, val acc ${formatPercent(record.valAccuracy)}`;
      out.status(`epoch ${record.epoch}/${s.epochs}: loss ${record.loss.toFixed(4)}, acc ${formatPercent(record.accuracy)}${val} (${record.seconds.toFixed(1)} s, ${Math.round(record.imagesPerSecond)} img/s)`);
    },
  };
  const batchLosses = recordBatchLosses();
  const stop = listenForInterrupt(() => out.warn('stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)'));
  let fitHistory;
  try {
    fitHistory = await model.fit(job.train[0], job.train[1], {
      epochs: s.epochs,
      batchSize: s.batchSize,
      seed: s.seed,
      validationSplit: s.validationSplit,
      validationBatchSize: 256,
      verbose: 0,
      initialPosition: job.resume?.position,
      callbacks: [
        callbacks.learningRateScheduler(exponentialDecay({ initialLearningRate: s.learningRate, decayRate: s.lrDecay })),
        progressBar(out),
        checkpoint,
        stopOnSignal(stop),
        epochLines,
        batchLosses.callback,
      ],
    });
  } finally {
    stop.dispose();
  }

  const n = job.train[0].shape[0];
  // fit holds out the last floor(n * split) rows... as it computes it: the first floor(n * (1 - split)) train.
  const trainExamples = s.validationSplit > 0 ? Math.floor(n * (1 - s.validationSplit)) : n;
  const base = {
    runDir: job.runDir, history, backend: job.backend, report: join(job.runDir, 'report.html'), checkpoint: checkpoint.lastSaved ?? checkpointDir(job.runDir),
    trainExamples, validationExamples: n - trainExamples, testExamples: job.test[0].shape[0],
  };
  const position = fitHistory.position;
  let result: TrainingResult;
  if (fitHistory.stopped === 'nan') {
    result = {
      ...base, status: 'diverged', model: null, test: null,
      message: `the loss became ${lastLoss} at epoch ${position.epoch + 1}, batch ${position.batch + 1}: training stopped. The last good checkpoint is ${checkpoint.lastSaved} (try a smaller --lr, e.g. ${s.learningRate / 10}).`,
    };
  } else if (fitHistory.stopped === 'requested' && position.epoch < s.epochs) {
    result = { ...base, status: 'interrupted', model: null, test: null, message: `interrupted at epoch ${position.epoch + 1}, batch ${position.batch}; resume with: batchwise train --resume ${job.runDir}` };
  } else {
    const [loss, accuracy] = model.evaluate(job.test[0], job.test[1], { batchSize: 256 }) as number[];
    await model.save(job.runDir);
    result = { ...base, status: 'completed', model: join(job.runDir, 'model.json'), test: { loss, accuracy }, message: `test accuracy ${formatPercent(accuracy)} (loss ${loss.toFixed(4)})` };
  }
  await writeReport(result.report, trainReport({
    title: `batchwise train: ${s.source.kind === 'preset' ? s.source.name : s.source.path} on ${s.dataset}`,
    modelDescription: job.description,
    meta: [
      ['model', s.source.kind === 'preset' ? `preset ${s.source.name}` : s.source.path],
      ['dataset', `${s.dataset} (${trainExamples} train, ${n - trainExamples} validation, ${job.test[0].shape[0]} test)`],
      ['optimizer', `${s.optimizer}, learning rate ${s.learningRate}${s.lrDecay !== 1 ? ` x ${s.lrDecay} per epoch` : ''}, batch ${s.batchSize}`],
      ['epochs', String(s.epochs)],
      ['seed', String(s.seed)],
      ['backend', job.backend],
    ],
    history,
    batches: batchLosses.records,
    test: result.test,
    stopped: result.status === 'completed' ? undefined : `The run did not finish: ${result.message}`,
  }));
  await writeJsonAtomic(join(job.runDir, 'metrics.json'), result);
  return result;
}

import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { join } from 'node:path';
import type { Output } from '../cli/output.js';
import { writeJsonAtomic } from '../report/atomic-write.js';
import { formatPercent } from '../report/html-escape.js';
import { writeReport } from '../report/html-report.js';
import { trainReport } from '../report/train-report.js';
import { holdOut } from './batches.js';
import { saveCheckpoint, type CheckpointState, type RunSettings } from './checkpoint.js';
import { listenForInterrupt } from './interrupt.js';
import { CheckpointableOptimizer, type OptimizerState } from './optimizers.js';
import { runTrainLoop, START_POSITION, type EpochRecord, type LoopPosition } from './train-loop.js';

/*
 * One training run from a fresh or restored model to its outputs: the final
 * model (TensorFlow.js format) and report.html in the run directory, a
 * checkpoint after every epoch and on Ctrl-C, metrics.json for scripts.
 */

export interface TrainingJob {
  runDir: string;
  model: LayersModel;
  description: string;
  settings: RunSettings;
  backend: string;
  train: [Tensor, Tensor];
  test: [Tensor, Tensor];
  /** Restored state when resuming. */
  resume?: { position: LoopPosition; history: EpochRecord[]; optimizer: OptimizerState };
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

/** True when every weight is finite: a NaN model is never checkpointed. */
function finiteWeights(model: LayersModel): boolean {
  return model.weights.every((w) => w.value.data.every((v) => Number.isFinite(v)));
}

/** Step decay: the rate of epoch `epoch` (0-based) is learningRate * lrDecay^epoch, so a resumed run recomputes it. */
export function epochLearningRate(s: RunSettings, epoch: number): number {
  return s.learningRate * (s.lrDecay ?? 1) ** epoch;
}

export async function runTraining(job: TrainingJob, out: Output): Promise<TrainingResult> {
  const s = job.settings;
  const optimizer = new CheckpointableOptimizer(s.optimizer, s.learningRate);
  if (job.resume) optimizer.setState(job.resume.optimizer);
  optimizer.learningRate = epochLearningRate(s, job.resume?.position.epoch ?? 0);
  job.model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const { train, validation } = holdOut(job.train[0], job.train[1], s.validationSplit);
  const history: EpochRecord[] = [...(job.resume?.history ?? [])];
  let position: LoopPosition = job.resume?.position ?? { ...START_POSITION };
  let checkpoint: string | null = null;
  const save = async (reason: CheckpointState['reason'], at: LoopPosition) => {
    checkpoint = await saveCheckpoint(job.runDir, job.model, optimizer.getState(), { reason, settings: s, position: at, history });
  };
  if (!job.resume) await save('start', position);
  else checkpoint = join(job.runDir, 'checkpoint');

  const stop = listenForInterrupt(() => out.warn('stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)'));
  let outcome;
  try {
    ({ outcome, position } = await runTrainLoop(job.model, train[0], train[1], { epochs: s.epochs, batchSize: s.batchSize, seed: s.seed, validation }, position, {
      stop,
      out,
      onEpochEnd: async (record, next) => {
        history.push(record);
        const val = record.valAccuracy === undefined ? '' : `, val loss ${record.valLoss!.toFixed(4)}, val acc ${formatPercent(record.valAccuracy)}`;
        out.status(`epoch ${record.epoch}/${s.epochs}: loss ${record.loss.toFixed(4)}, acc ${formatPercent(record.accuracy)}${val} (${record.seconds.toFixed(1)} s, ${Math.round(record.imagesPerSecond)} img/s)`);
        optimizer.learningRate = epochLearningRate(s, next.epoch);
        if (finiteWeights(job.model)) await save('epoch-end', next);
      },
    }));
  } finally {
    stop.dispose();
  }

  const meta: [string, string][] = [
    ['model', s.source.kind === 'preset' ? `preset ${s.source.name}` : s.source.path],
    ['dataset', `${s.dataset} (${train[0].shape[0]} train, ${validation?.[0].shape[0] ?? 0} validation, ${job.test[0].shape[0]} test)`],
    ['optimizer', `${s.optimizer}, learning rate ${s.learningRate}${(s.lrDecay ?? 1) !== 1 ? ` x ${s.lrDecay} per epoch` : ''}, batch ${s.batchSize}`],
    ['epochs', String(s.epochs)],
    ['seed', String(s.seed)],
    ['backend', job.backend],
  ];
  const base = {
    runDir: job.runDir, history, backend: job.backend, report: join(job.runDir, 'report.html'),
    trainExamples: train[0].shape[0], validationExamples: validation?.[0].shape[0] ?? 0, testExamples: job.test[0].shape[0],
  };
  let result: TrainingResult;
  if (outcome.status === 'completed') {
    const [loss, accuracy] = job.model.evaluate(job.test[0], job.test[1], { batchSize: 256 }) as number[];
    await job.model.save(job.runDir);
    result = { ...base, status: 'completed', model: join(job.runDir, 'model.json'), checkpoint, test: { loss, accuracy }, message: `test accuracy ${formatPercent(accuracy)} (loss ${loss.toFixed(4)})` };
  } else if (outcome.status === 'interrupted') {
    await save('interrupted', position);
    result = { ...base, status: 'interrupted', model: null, checkpoint, test: null, message: `interrupted at epoch ${position.epoch + 1}, batch ${position.batch}; resume with: batchwise train --resume ${job.runDir}` };
  } else {
    result = {
      ...base, status: 'diverged', model: null, checkpoint, test: null,
      message: `the loss became ${outcome.loss} at epoch ${outcome.epoch}, batch ${outcome.batch}: training stopped. The last good checkpoint is ${checkpoint} (try a smaller --lr, e.g. ${s.learningRate / 10}).`,
    };
  }
  await writeReport(result.report, trainReport({
    title: `batchwise train: ${s.source.kind === 'preset' ? s.source.name : s.source.path} on ${s.dataset}`,
    modelDescription: job.description,
    meta,
    history,
    test: result.test,
    stopped: result.status === 'completed' ? undefined : `The run did not finish: ${result.message}`,
  }));
  await writeJsonAtomic(join(job.runDir, 'metrics.json'), result);
  return result;
}

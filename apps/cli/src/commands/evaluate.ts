import type { Tensor } from '@batchwise/core';
import { Option, type Command } from 'commander';
import { selectBackend } from '../cli/backend-setup.js';
import { formatTable } from '../cli/output.js';
import { parsePositiveInt } from '../cli/parse.js';
import { action, addBackendOption, addJsonOption, addLimitOption, type CliEnv } from '../cli/program.js';
import { DATASET_NAMES, loadImageData, type DatasetName, type Split } from '../data/image-data.js';
import { checkFiniteOutputs, checkFiniteWeights, checkModelInput } from '../training/input-check.js';
import { loadSavedModel } from '../training/model-source.js';
import { datasetMismatch, trainedDataset } from '../training/run-info.js';
import { argMaxRow } from '../training/stats.js';

/** `batchwise evaluate <model>`: loss, accuracy and per-class accuracy of a saved model on a dataset split. */

interface EvaluateOptions {
  dataset?: DatasetName;
  split: Split;
  limit?: number;
  batchSize: number;
  backend?: string;
  json?: boolean;
}

export function registerEvaluate(program: Command, env: CliEnv): void {
  const cmd = program
    .command('evaluate')
    .description('evaluate a saved model (a run directory or model.json) on a dataset split')
    .argument('<model>', 'run directory or model.json written by `batchwise train` (TensorFlow.js format)')
    .addOption(new Option('--dataset <name>', 'dataset (default: the one the run was trained on, else fashion-mnist)').choices(DATASET_NAMES))
    .addOption(new Option('--split <split>', 'split').choices(['train', 'test']).default('test'))
    .option('--batch-size <n>', 'examples per forward pass', parsePositiveInt, 256);
  addLimitOption(cmd);
  addBackendOption(cmd);
  addJsonOption(cmd).action(
    action(env, async (o: EvaluateOptions, out, _cmd, args) => {
      const backend = await selectBackend(o.backend);
      const model = await loadSavedModel(args[0]);
      checkFiniteWeights(model, args[0]);
      const trained = await trainedDataset(args[0]);
      const dataset = o.dataset ?? trained ?? 'fashion-mnist';
      const warnings = [datasetMismatch(args[0], trained, dataset)].filter((w) => w !== null);
      warnings.forEach((w) => out.warn(w));
      const data = loadImageData(dataset, o.split, o.limit);
      checkModelInput(model, data.images, args[0]);
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const t0 = performance.now();
      const probs = model.predict(data.images, { batchSize: o.batchSize }) as Tensor;
      checkFiniteOutputs(probs, args[0]);
      const [loss, accuracy] = model.evaluate(data.images, data.oneHot, { batchSize: o.batchSize }) as number[];
      const seconds = (performance.now() - t0) / 1000;
      const classes = data.classNames.length;
      const perClass = data.classNames.map((name) => ({ name, count: 0, correct: 0, accuracy: 0 }));
      for (let r = 0; r < data.labels.length; r++) {
        const c = perClass[data.labels[r]];
        c.count++;
        if (argMaxRow(probs.data, r, classes) === data.labels[r]) c.correct++;
      }
      for (const c of perClass) c.accuracy = c.count === 0 ? 0 : c.correct / c.count;
      const result = { model: args[0], dataset, trainedOn: trained, warnings, split: o.split, examples: data.labels.length, loss, accuracy, perClass, backend: backend.name, seconds };
      out.result(result, () =>
        [
          `${dataset} ${o.split} (${data.labels.length} examples, ${backend.name} backend, ${seconds.toFixed(1)} s)`,
          `loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(2)}%`,
          '',
          formatTable(['class', 'examples', 'accuracy'], perClass.map((c) => [c.name, String(c.count), c.count ? `${(c.accuracy * 100).toFixed(1)}%` : '-'])),
        ].join('\n'),
      );
    }),
  );
}

import { Tensor } from '@batchwise/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, UsageError } from '../cli/errors.js';
import { formatTable } from '../cli/output.js';
import { parsePositiveInt } from '../cli/parse.js';
import { action, addBackendOption, addJsonOption, addLimitOption, type CliEnv } from '../cli/program.js';
import { DATASET_NAMES, loadImageData, type DatasetName } from '../data/image-data.js';
import { readCsvRows } from '../io/csv-matrix.js';
import { toModelInput } from '../io/model-input.js';
import { INVERT_MODES, readDigitPng, type InvertMode } from '../io/png-digit.js';
import { checkClassLabels, checkFiniteOutputs, checkFiniteWeights, checkModelInput } from '../training/input-check.js';
import { loadSavedModel } from '../training/model-source.js';
import { datasetMismatch, trainedDataset } from '../training/run-info.js';
import { argMaxRow } from '../training/stats.js';

/*
 * `batchwise predict <model>`: class predictions for a dataset split, the
 * rows of a CSV file, or a PNG image of a digit (see io/png-digit.ts for the
 * MNIST-style preprocessing). One input source at a time.
 */

interface PredictOptions {
  image?: string;
  csv?: string;
  target?: string;
  split?: 'train' | 'test';
  dataset?: DatasetName;
  invert: InvertMode;
  limit?: number;
  top: number;
  backend?: string;
  json?: boolean;
}

export interface Prediction {
  index: number;
  predicted: number;
  label: string;
  probability: number;
  top: { class: number; label: string; probability: number }[];
  actual?: number;
}

function parseTop(v: string): number {
  const n = parsePositiveInt(v);
  if (n > 10) throw new InvalidArgumentError(`must be at most 10, received '${v}'.`);
  return n;
}

export function registerPredict(program: Command, env: CliEnv): void {
  const cmd = program
    .command('predict')
    .description('predict classes with a saved model for a PNG digit image, a CSV file or a dataset split')
    .argument('<model>', 'run directory or model.json')
    .option('--image <file.png>', 'a PNG of one digit or item (grey, RGB or RGBA; converted to 28x28 in [0, 1], MNIST-style)')
    .option('--csv <file>', 'a CSV file with a header; each row is one example (784 pixel columns for image models, where values above 1 are read as 0..255)')
    .option('--target <column>', 'with --csv: the column holding the true class, to report accuracy')
    .addOption(new Option('--split <split>', 'predict a dataset split').choices(['train', 'test']))
    .addOption(new Option('--dataset <name>', 'dataset for --split and for class names (default: the run\'s)').choices(DATASET_NAMES))
    .addOption(new Option('--invert <mode>', 'with --image: invert to white-on-black (auto: when the border is light)').choices(INVERT_MODES).default('auto'))
    .option('--top <k>', 'classes listed per example', parseTop, 3);
  addLimitOption(cmd, 'examples (default 10 for --split)');
  addBackendOption(cmd);
  addJsonOption(cmd).action(
    action(env, async (o: PredictOptions, out, _cmd, args) => {
      const sources = [o.image, o.csv, o.split].filter((s) => s !== undefined).length;
      if (sources !== 1) throw new UsageError('give exactly one input: --image <file.png>, --csv <file> or --split <train|test>.');
      if (o.target !== undefined && o.csv === undefined) throw new UsageError('--target only applies to --csv.');
      const backend = await selectBackend(o.backend);
      const model = await loadSavedModel(args[0]);
      checkFiniteWeights(model, args[0]);
      const trained = await trainedDataset(args[0]);
      const dataset = o.dataset ?? trained ?? (o.image ? 'mnist' : 'fashion-mnist');
      const warnings = [o.dataset === undefined ? null : datasetMismatch(args[0], trained, dataset)].filter((w) => w !== null);
      warnings.forEach((w) => out.warn(w));
      let x: Tensor;
      let actual: ArrayLike<number> | null = null;
      let classNames: readonly string[] | null = null;
      let notes: string[] = [];
      if (o.image) {
        const digit = await readDigitPng(o.image, o.invert);
        x = new Tensor(digit.pixels, [1, 28, 28, 1]);
        notes = [`${o.image}: ${digit.sourceWidth}x${digit.sourceHeight}; ${digit.steps.join('; ')}`];
      } else if (o.csv) {
        const rows = await readCsvRows(o.csv, o.target);
        const inputShape = model.inputs[0].shape.slice(1) as (number | null)[];
        x = toModelInput(inputShape, rows.features, o.csv);
        actual = rows.target;
        if (actual !== null) {
          const classes = model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 0;
          checkClassLabels(actual, classes, (r) => `${o.csv}:${rows.lines[r]}: column '${o.target}'`);
        }
        if (x.data !== rows.features.data) notes.push(`${o.csv}: pixel values above 1 found, divided by 255`);
      } else {
        const data = loadImageData(dataset, o.split!, o.limit ?? 10);
        x = data.images;
        actual = data.labels;
        classNames = data.classNames;
      }
      if (o.limit !== undefined && x.shape[0] > o.limit) x = new Tensor(x.data.subarray(0, o.limit * (x.size / x.shape[0])), [o.limit, ...x.shape.slice(1)]);
      checkModelInput(model, x, args[0]);
      classNames ??= o.csv ? null : loadImageData(dataset, 'test', 1).classNames;
      const probs = model.predict(x, { batchSize: 256 }) as Tensor;
      checkFiniteOutputs(probs, args[0]);
      const predictions = toPredictions(probs, classNames, actual, o.top);
      const correct = actual ? predictions.filter((p) => p.actual === p.predicted).length : null;
      const result = { model: args[0], backend: backend.name, notes, warnings, predictions, accuracy: correct === null ? null : correct / predictions.length };
      out.result(result, () => renderPredictions(predictions, notes, result.accuracy));
    }),
  );
}

function toPredictions(probs: Tensor, classNames: readonly string[] | null, actual: ArrayLike<number> | null, top: number): Prediction[] {
  const classes = probs.shape[probs.shape.length - 1];
  const name = (c: number) => classNames?.[c] ?? String(c);
  return Array.from({ length: probs.shape[0] }, (_, r) => {
    const row = Array.from(probs.data.subarray(r * classes, (r + 1) * classes));
    const ranked = row.map((p, c) => ({ class: c, label: name(c), probability: p })).sort((a, b) => b.probability - a.probability);
    const predicted = argMaxRow(probs.data, r, classes);
    return {
      index: r, predicted, label: name(predicted), probability: row[predicted], top: ranked.slice(0, top),
      ...(actual ? { actual: actual[r] } : {}),
    };
  });
}

function renderPredictions(predictions: readonly Prediction[], notes: readonly string[], accuracy: number | null): string {
  const rows = predictions.map((p) => [
    String(p.index), `${p.label} (${p.predicted})`, `${(p.probability * 100).toFixed(1)}%`,
    p.actual === undefined ? '-' : `${p.actual}${p.actual === p.predicted ? '' : ' (wrong)'}`,
    p.top.slice(1).map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`).join(', '),
  ]);
  return [
    ...notes,
    formatTable(['#', 'predicted', 'probability', 'actual', 'next best'], rows),
    ...(accuracy === null ? [] : [`accuracy: ${(accuracy * 100).toFixed(1)}% on ${predictions.length} examples`]),
  ].join('\n');
}

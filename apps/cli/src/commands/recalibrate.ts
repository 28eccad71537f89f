import { setWarningHandler, type LayersModel, type Recalibration } from '@batchwise/layers';
import type { Tensor } from '@batchwise/core';
import { Option, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DATA_HELP, loadDataSource } from '../bn-tools/data-source.js';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';
import { formatTable } from '../cli/output.js';
import { parsePositiveInt } from '../cli/parse.js';
import { action, addBackendOption, addJsonOption, addLimitOption, type CliEnv } from '../cli/program.js';
import { loadImageData } from '../data/image-data.js';
import { loadSavedModel, modelJsonPath } from '../training/model-source.js';

/*
 * `batchwise recalibrate <model> --data ...`: precise batch norm. Every batch
 * norm's moving statistics are recomputed exactly over the data
 * (@batchwise/layers' recalibrateBatchNorm) and the model is saved to --out;
 * for a dataset, the test accuracy before and after is printed.
 */

interface RecalibrateOptions {
  data: string;
  split: 'train' | 'test';
  evalSplit: 'train' | 'test' | 'none';
  limit?: number;
  batchSize: number;
  batches?: number;
  out?: string;
  backend?: string;
  json?: boolean;
}

export const RECALIBRATE_CLI_DEFAULTS = { data: 'fashion-mnist', split: 'train', evalSplit: 'test', batchSize: 256 } as const;

/** runs/x -> runs/x-recalibrated; runs/x/model.json -> runs/x-recalibrated too. */
export function defaultOut(location: string): string {
  const dir = existsSync(location) && statSync(location).isDirectory() ? location : dirname(location);
  return join(dirname(dir), `${basename(dir)}-recalibrated`);
}

function accuracy(model: LayersModel, x: Tensor, y: Tensor, batchSize: number): number {
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return (model.evaluate(x, y, { batchSize }) as number[])[1];
}

export function registerRecalibrate(program: Command, env: CliEnv): void {
  const cmd = program
    .command('recalibrate')
    .description("recompute a saved model's batch-norm moving statistics exactly over data (precise BN), e.g. after a short run or a weight average; saves the model")
    .argument('<model>', 'run directory or model.json')
    .option('--data <source>', DATA_HELP, RECALIBRATE_CLI_DEFAULTS.data)
    .addOption(new Option('--split <split>', 'dataset split for --data').choices(['train', 'test']).default(RECALIBRATE_CLI_DEFAULTS.split))
    .addOption(new Option('--eval-split <split>', "dataset split to measure accuracy on before and after ('none' to skip)").choices(['train', 'test', 'none']).default(RECALIBRATE_CLI_DEFAULTS.evalSplit))
    .option('--batch-size <n>', 'examples per forward pass (the result does not depend on it)', parsePositiveInt, RECALIBRATE_CLI_DEFAULTS.batchSize)
    .option('--batches <n>', 'use at most <n> batches from the start of the data (default: all)', parsePositiveInt)
    .option('--out <dir>', 'where to save the recalibrated model (default: <run directory>-recalibrated)');
  addLimitOption(cmd, 'examples of --data and of --eval-split');
  addBackendOption(cmd);
  addJsonOption(cmd).action(
    action(env, async (o: RecalibrateOptions, out, _cmd, args) => {
      const backend = await selectBackend(o.backend);
      const model = await loadSavedModel(args[0]);
      const target = o.out ?? defaultOut(args[0]);
      if (existsSync(join(target, 'model.json'))) throw new CliError(`${target}: already holds a model; choose another --out`);
      const data = await loadDataSource(o.data, o.split, o.limit, model, args[0]);
      const evaluation = data.dataset && o.evalSplit !== 'none' ? loadImageData(data.dataset, o.evalSplit, o.limit) : null;
      const previous = setWarningHandler((w) => out.warn(w));
      let before: number | null = null;
      let after: number | null = null;
      let r: Recalibration;
      try {
        if (evaluation) before = accuracy(model, evaluation.images, evaluation.oneHot, o.batchSize);
        r = model.recalibrateBatchNorm(data.x, { batchSize: o.batchSize, ...(o.batches ? { batches: o.batches } : {}) });
        if (evaluation) after = accuracy(model, evaluation.images, evaluation.oneHot, o.batchSize);
      } catch (e) {
        throw new CliError(`${args[0]}: cannot recalibrate: ${oneLine(e)}`);
      } finally {
        setWarningHandler(previous);
      }
      if (r.layers.length === 0) throw new CliError(`${args[0]}: the model has no BatchNormalization layer that training updates`);
      await model.save(target).catch((e: unknown) => {
        throw new CliError(describeFileError(target, e));
      });
      const evalLabel = evaluation ? `${data.dataset} ${o.evalSplit} (${evaluation.labels.length} examples)` : null;
      const result = { model: args[0], data: data.label, backend: backend.name, out: target, modelJson: modelJsonPath(target), ...r, accuracy: evalLabel ? { on: evalLabel, before, after } : null };
      out.result(result, () =>
        [
          `recalibrated ${r.layers.length} batch norm${r.layers.length === 1 ? '' : 's'} of ${args[0]} over ${data.label}: ${r.batches} batches, ${r.samples} examples, ${backend.name} backend`,
          formatTable(['layer', 'values/feature', 'mean shift (sd)', 'variance change'], r.layers.map((l) => [l.layer, String(l.valuesPerFeature), l.meanShift.toFixed(3), `${l.varianceChange.toFixed(3)}x`])),
          ...(evalLabel && before !== null && after !== null
            ? [`${evalLabel} accuracy: ${(before * 100).toFixed(2)} % before, ${(after * 100).toFixed(2)} % after (${after >= before ? '+' : ''}${((after - before) * 100).toFixed(2)} points)`]
            : []),
          `wrote ${target}`,
        ].join('\n'),
      );
    }),
  );
}

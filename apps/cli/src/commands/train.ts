import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { loadCheckpoint, type LayersModel } from '@batchwise/layers';
import { parseDecimal } from '@batchwise/datasets';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, describeFileError, EXIT_FAILURE, oneLine, UsageError } from '../cli/errors.js';
import { parseInteger, parsePositiveInt, parsePositiveNumber } from '../cli/parse.js';
import { action, addBackendOption, addJsonOption, addLimitOption, type CliEnv } from '../cli/program.js';
import { DATASET_NAMES, firstLoadNotice, loadImageData, type DatasetName } from '../data/image-data.js';
import { buildModel, DEFAULT_PRESET, findPreset, IMAGE_INPUT_SHAPE, OPTIMIZER_NAMES, PRESET_NAMES, type OptimizerName } from '../presets/index.js';
import { modelFromFile } from '../training/model-source.js';
import { writeRunInfo } from '../training/run-info.js';
import { checkpointDir, runTraining, type TrainingJob } from '../training/run-training.js';
import { parseRunSettings, type RunSettings } from '../training/run-settings.js';

/** `batchwise train`: a preset or any TensorFlow.js model.json topology on (Fashion-)MNIST, with checkpoints and a report. */

interface TrainOptions {
  dataset: DatasetName;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  lrDecay?: number;
  optimizer?: OptimizerName;
  backend?: string;
  seed: number;
  out?: string;
  limit?: number;
  validationSplit: number;
  resume?: string;
  json?: boolean;
}

export const TRAIN_DEFAULTS = { dataset: 'fashion-mnist', seed: 1, validationSplit: 0.1 } as const;

/** Exit code after Ctrl-C: 128 + SIGINT, the shell convention. */
export const EXIT_INTERRUPTED = 130;

function parseFraction(value: string): number {
  const n = parseDecimal(value);
  if (n === undefined || n < 0 || n >= 1) throw new InvalidArgumentError(`must be in [0, 1), received '${value}'.`);
  return n;
}

function parseDecay(value: string): number {
  const n = parseDecimal(value);
  if (n === undefined || n <= 0 || n > 1) throw new InvalidArgumentError(`must be in (0, 1], received '${value}'.`);
  return n;
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function registerTrain(program: Command, env: CliEnv): void {
  const cmd = program
    .command('train')
    .description('train a preset (mlp, mlp-bn, cnn, cnn-bn) or a TensorFlow.js model.json topology; writes the model, checkpoints and report.html')
    .argument('[model]', `preset name (${PRESET_NAMES.join(', ')}) or path to a model.json topology (Sequential or functional)`, DEFAULT_PRESET.name)
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).default(TRAIN_DEFAULTS.dataset))
    .option('--epochs <n>', 'epochs (default: the preset\'s)', parsePositiveInt)
    .option('--batch-size <n>', 'examples per batch (default: the preset\'s)', parsePositiveInt)
    .option('--lr <rate>', 'learning rate (default: the preset\'s)', parsePositiveNumber)
    .option('--lr-decay <factor>', 'multiply the learning rate by this after every epoch, in (0, 1] (default: the preset\'s)', parseDecay)
    .addOption(new Option('--optimizer <name>', "optimizer (default: the preset's)").choices(OPTIMIZER_NAMES))
    .option('--seed <n>', 'seed of initial weights, shuffling and dropout', parseInteger, TRAIN_DEFAULTS.seed)
    .option('--out <dir>', 'run directory (default: runs/<model>-<timestamp>)')
    .option('--validation-split <fraction>', 'fraction of the training split held out for validation', parseFraction, TRAIN_DEFAULTS.validationSplit)
    .option('--resume <dir>', 'continue the run in <dir> from its checkpoint (settings come from the checkpoint; --epochs may raise the total)');
  addLimitOption(cmd);
  addBackendOption(cmd);
  addJsonOption(cmd).action(
    action(env, async (options: TrainOptions, out, command, args) => {
      const backend = await selectBackend(options.backend);
      const notice = options.resume ? null : firstLoadNotice(options.dataset);
      if (notice) out.status(notice);
      const job = options.resume ? await resumeJob(options, command, env) : await freshJob(args[0] ?? DEFAULT_PRESET.name, options, env);
      const s = job.settings;
      // Before any work: records the dataset for evaluate/predict, and fails at once (one line) where nothing can be written.
      await writeRunInfo(job.runDir, { dataset: s.dataset, model: s.source.kind === 'preset' ? s.source.name : s.source.path });
      const decay = s.lrDecay !== 1 ? ` x ${s.lrDecay}/epoch` : '';
      out.status(`training ${job.description} on ${s.dataset} for ${s.epochs} epochs (batch ${s.batchSize}, ${s.optimizer} lr ${s.learningRate}${decay}) with the ${backend.name} backend`);
      out.status(`run directory: ${job.runDir}`);
      const result = await runTraining({ ...job, backend: backend.name }, out);
      out.result(result, () =>
        [
          result.status === 'completed' ? `test accuracy: ${(result.test!.accuracy * 100).toFixed(2)}% (loss ${result.test!.loss.toFixed(4)})` : result.message,
          result.model ? `model:      ${result.model}` : null,
          `report:     ${result.report}`,
          result.checkpoint ? `checkpoint: ${result.checkpoint}` : null,
        ].filter((l) => l !== null).join('\n'),
      );
      if (result.status === 'interrupted') return EXIT_INTERRUPTED;
      if (result.status === 'diverged') return EXIT_FAILURE;
    }),
  );
}

async function freshJob(modelArg: string, o: TrainOptions, env: CliEnv): Promise<Omit<TrainingJob, 'backend'>> {
  const preset = findPreset(modelArg);
  const looksLikeFile = modelArg.endsWith('.json') || modelArg.includes('/');
  if (!preset && !looksLikeFile) throw new UsageError(`model must be a preset (${PRESET_NAMES.join(', ')}) or a model.json path, received '${modelArg}'.`);
  const defaults = preset?.defaults ?? DEFAULT_PRESET.defaults;
  const settings: RunSettings = {
    source: preset ? { kind: 'preset', name: preset.name } : { kind: 'topology', path: resolve(env.cwd, modelArg) },
    dataset: o.dataset,
    limit: o.limit ?? null,
    validationSplit: o.validationSplit,
    seed: o.seed,
    epochs: o.epochs ?? defaults.epochs,
    batchSize: o.batchSize ?? defaults.batchSize,
    learningRate: o.lr ?? defaults.learningRate,
    lrDecay: o.lrDecay ?? defaults.lrDecay,
    optimizer: o.optimizer ?? defaults.optimizer,
  };
  const name = preset?.name ?? 'model';
  const runDir = o.out ? resolve(env.cwd, o.out) : join(env.cwd, 'runs', `${name}-${timestamp()}`);
  if (existsSync(checkpointDir(runDir))) throw new CliError(`${runDir} already holds a run; continue it with --resume ${runDir} or choose another --out`);
  const model = preset
    ? buildModel(preset.layers(), IMAGE_INPUT_SHAPE, settings.seed, preset.name)
    : await modelFromFile(resolve(env.cwd, modelArg), settings.seed);
  const description = preset ? `${preset.name}: ${preset.description}` : `${modelArg} (${model.layers.length} layers)`;
  return { runDir, model, description, settings, ...loadData(settings, model) };
}

/** Flags that would contradict the checkpoint's settings. */
const FIXED_ON_RESUME = ['dataset', 'batchSize', 'lr', 'lrDecay', 'optimizer', 'seed', 'out', 'limit', 'validationSplit'];

async function resumeJob(o: TrainOptions, command: Command, env: CliEnv): Promise<Omit<TrainingJob, 'backend'>> {
  const given = FIXED_ON_RESUME.filter((k) => command.getOptionValueSource(k) === 'cli');
  if (command.args.length > 0 || given.length > 0) {
    throw new UsageError(`--resume takes the model and settings from the checkpoint; only --epochs, --backend and --json may be given, received ${[...command.args, ...given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)].join(', ')}.`);
  }
  const runDir = isAbsolute(o.resume!) ? o.resume! : resolve(env.cwd, o.resume!);
  if (!existsSync(runDir)) throw new CliError(describeFileError(runDir, Object.assign(new Error(), { code: 'ENOENT' })));
  let ck;
  try {
    ck = await loadCheckpoint(checkpointDir(runDir));
  } catch (e) {
    throw new CliError(`${runDir}: ${oneLine(e).replace(/^loadCheckpoint: /, '')}`);
  }
  const saved = parseRunSettings(`${ck.dir}/state.json`, ck.metadata);
  const settings: RunSettings = { ...saved, epochs: o.epochs ?? saved.epochs };
  if (ck.position.epoch >= settings.epochs) {
    throw new CliError(`${runDir}: the run already finished its ${ck.position.epoch} epochs; pass --epochs above ${ck.position.epoch} to train further`);
  }
  const source = settings.source.kind === 'preset' ? settings.source.name : settings.source.path;
  const data = loadData(settings, ck.model);
  const n = data.train[0].shape[0];
  const samples = settings.validationSplit > 0 ? Math.floor(n * (1 - settings.validationSplit)) : n;
  if (ck.fit.samples !== samples || ck.fit.batchSize !== settings.batchSize || ck.fit.seed !== settings.seed) {
    throw new CliError(`${ck.dir}/state.json: fit settings (${ck.fit.samples} samples, batch ${ck.fit.batchSize}, seed ${ck.fit.seed}) must match the run's metadata (${samples} samples, batch ${settings.batchSize}, seed ${settings.seed})`);
  }
  return {
    runDir, model: ck.model, description: `${source} (resumed at epoch ${ck.position.epoch + 1}, batch ${ck.position.batch})`, settings,
    resume: { position: ck.position, history: ck.history },
    ...data,
  };
}

function loadData(s: RunSettings, model: LayersModel): Pick<TrainingJob, 'train' | 'test'> {
  const train = loadImageData(s.dataset, 'train', s.limit ?? undefined);
  const test = loadImageData(s.dataset, 'test', s.limit ?? undefined);
  const want = model.inputs[0].shape.slice(1);
  if (want.length !== 3 || want.some((d, i) => d !== null && d !== IMAGE_INPUT_SHAPE[i])) {
    throw new CliError(`the model takes inputs of shape [${want.join(',')}] per example; ${s.dataset} images are [28,28,1]`);
  }
  return { train: [train.images, train.oneHot], test: [test.images, test.oneHot] };
}

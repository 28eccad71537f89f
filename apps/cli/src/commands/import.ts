import { translators, type LayersModel } from '@batchwise/layers';
import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from 'commander';
import { open } from 'node:fs/promises';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, UsageError, describeFileError, oneLine } from '../cli/errors.js';
import { parsePositiveInt } from '../cli/parse.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';
import { buildModel, findPreset, IMAGE_INPUT_SHAPE, PRESET_NAMES } from '../presets/index.js';
import { modelFromFile, modelJsonPath } from '../training/model-source.js';

/*
 * `batchwise import weights.npz --preset cnn-bn --out dir`: a PyTorch (or
 * ONNX-convention) state dict saved with numpy.savez, loaded into a preset's
 * architecture or the architecture of a saved model.json, translated by
 * @batchwise/layers' translators (each step printed), saved as a batchwise
 * model (TensorFlow.js format).
 */

/** A state dict is read whole: the presets' are about 1 MB; this leaves room for far larger ones. */
const MAX_NPZ_BYTES = 512 * 1024 * 1024;

interface ImportOptions {
  preset?: string;
  model?: string;
  out: string;
  convention: 'pytorch' | 'onnx';
  momentum?: number | null;
  epsilon?: number;
  variance: 'as-is' | 'biased';
  batchSize?: number;
  json?: boolean;
}

function parseMomentum(value: string): number | null {
  if (value === 'none') return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new CommanderArgumentError(`must be a number in [0, 1] or 'none', received '${value}'.`);
  return n;
}

function parseEpsilon(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CommanderArgumentError(`must be a positive number, received '${value}'.`);
  return n;
}

export function registerImport(program: Command, env: CliEnv): void {
  const cmd = program
    .command('import')
    .description("load a PyTorch state_dict (.npz from numpy.savez) into a preset's or a saved model's architecture")
    .argument('<weights>', '.npz file: numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})')
    .addOption(new Option('--preset <name>', 'architecture: a training preset').choices(PRESET_NAMES))
    .option('--model <model>', 'architecture: a run directory or model.json (its weights are replaced)')
    .requiredOption('--out <dir>', 'directory to save the imported model in')
    .addOption(new Option('--convention <name>', "the weights' conventions").choices(translators.CONVENTION_NAMES).default('pytorch'))
    .option('--momentum <m>', "the source's batch-norm momentum in its own convention, or 'none' (default: PyTorch 0.1, ONNX 0.9)", parseMomentum)
    .option('--epsilon <e>', "the source's batch-norm epsilon (default 1e-5)", parseEpsilon)
    .addOption(new Option('--variance <how>', "running variance: 'as-is' predicts as the source did; 'biased' converts to Keras' convention").choices(['as-is', 'biased']).default('as-is'))
    .option('--batch-size <n>', "the source's training batch size, for --variance biased", parsePositiveInt);
  addJsonOption(cmd).action(
    action(env, async (o: ImportOptions, out, _cmd, args) => {
      if ((o.preset === undefined) === (o.model === undefined)) throw new UsageError('give exactly one of --preset and --model for the architecture');
      await selectBackend(undefined);
      const file = args[0];
      const bytes = await readLimited(file);
      const model: LayersModel = o.preset !== undefined ? buildModel(findPreset(o.preset)!.layers(), IMAGE_INPUT_SHAPE, 0, o.preset.replace(/-/g, '_')) : await modelFromFile(modelJsonPath(o.model!), 0);
      let lines: string[];
      try {
        lines = translators.loadStateDict(model, translators.readNpz(bytes), {
          convention: o.convention, momentum: o.momentum, epsilon: o.epsilon, variance: o.variance, batchSize: o.batchSize, log: () => undefined,
        });
      } catch (e) {
        throw new CliError(`${file}: cannot import into ${o.preset !== undefined ? `preset ${o.preset}` : o.model}: ${oneLine(e)}`);
      }
      const saved = await model.save(o.out).catch((e: unknown) => {
        throw new CliError(describeFileError(o.out, e));
      });
      out.result({ weights: file, architecture: o.preset ?? o.model, convention: o.convention, out: o.out, files: saved.files, log: lines }, () => [...lines, `saved ${o.out}`].join('\n'));
    }),
  );
}

async function readLimited(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r').catch((e: unknown) => {
    throw new CliError(describeFileError(file, e));
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new CliError(`${file}: must be a .npz file, received something that is not a regular file`);
    if (info.size > MAX_NPZ_BYTES) throw new CliError(`${file}: a state dict must be at most ${MAX_NPZ_BYTES} bytes, received ${info.size}`);
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

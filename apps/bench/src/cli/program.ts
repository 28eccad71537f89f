import { Command, InvalidArgumentError, Option } from 'commander';
import { ACCURACY_CONTENDERS } from '../accuracy/settings.js';
import { KERNEL_CASES } from '../kernels/cases.js';
import { MEMORY_CONTENDERS, MEMORY_DEFAULTS, MEMORY_QUICK } from '../memory/figures.js';
import type { KernelsOptions } from '../parts/kernels.js';
import { CONTENDER_IDS } from '../report/derive.js';
import { PART_NAMES, type PartName, type PartResult, type RunContext } from '../run/context.js';
import type { PartRunner } from '../run/run.js';

/*
 * The parts are imported when they run: a child process (`memory-child`,
 * `isa-child`) then loads only what it uses, not TensorFlow.js, onnxruntime
 * and vega.
 */
const parts = {
  kernels: (ctx: RunContext, o: KernelsOptions): Promise<PartResult> => import('../parts/kernels.js').then((m) => m.runKernelsPart(ctx, o)),
  models: (ctx: RunContext, o: { slow: boolean; only?: string[] }): Promise<PartResult> => import('../parts/models.js').then((m) => m.runModelsPart(ctx, o)),
  accuracy: (ctx: RunContext, o: { only?: string[]; target?: number; maxEpochs?: number } = {}): Promise<PartResult> =>
    import('../parts/time-to-accuracy.js').then((m) => m.runAccuracyPart(ctx, o)),
  scaling: (ctx: RunContext): Promise<PartResult> => import('../parts/scaling.js').then((m) => m.runScalingPart(ctx)),
  memory: (ctx: RunContext, only?: string[]): Promise<PartResult> => import('../parts/memory.js').then((m) => m.runMemoryPart(ctx, only)),
};

const KERNEL_CONTENDER_IDS: readonly string[] = Object.values(CONTENDER_IDS);
const KERNEL_IDS: readonly string[] = KERNEL_CASES.map((k) => k.id);

/*
 * The bench's command line (commander, as the CLI app): `bench` runs every
 * part, `bench <part>` one of them; --quick, --json FILE and --no-write on
 * each. Unknown flags and ids are errors, so a typo never runs the wrong thing.
 */

interface CommonFlags {
  quick?: boolean;
  json?: string;
  write: boolean;
}

/** A comma-separated list of ids, each one of `known`. */
function idList(known: readonly string[]) {
  return (value: string): string[] => {
    const ids = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    const unknown = ids.filter((id) => !known.includes(id));
    if (ids.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`must list ids from ${known.join(', ')}, received '${value}'.`);
    return ids;
  };
}

/** Free-form id list, checked by the part (its contenders depend on the machine's thread count). */
function anyList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a number >= 0, received '${value}'.`);
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) throw new InvalidArgumentError(`must be a number in (0, 1], received '${value}'.`);
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be an integer >= 1, received '${value}'.`);
  return n;
}

function common(cmd: Command): Command {
  return cmd
    .option('--quick', 'a smoke run: every contender once on small workloads; figures are not measurements (writes files only with --json)')
    .option('--json <file>', 'write every figure and the machine description to FILE, with FILE.md, FILE.html and the charts beside it')
    .option('--no-write', 'print only; write no files');
}

/** Settings from the environment that change what is measured, written before the command (e.g. native held to AVX2). */
const MEASURED_ENV = ['BATCHWISE_ISA', 'BATCHWISE_NUM_THREADS', 'CLOCK'] as const;
const commandLine = () =>
  [...MEASURED_ENV.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`), 'pnpm bench', ...process.argv.slice(2)].join(' ');

async function run(name: string, flags: CommonFlags, runners: [PartName, PartRunner][], noPeak?: string): Promise<void> {
  const { runBench } = await import('../run/run.js');
  return runBench({ command: commandLine(), name, quick: flags.quick === true, json: flags.json, write: flags.write, noPeak }, runners);
}

export function buildProgram(): Command {
  const program = new Command('bench')
    .description('Speed of batchwise against TensorFlow.js, onnxruntime, PyTorch and the machine peak, measured in one run.')
    .showHelpAfterError('(add --help for usage)');

  common(program.command('all', { isDefault: true }).description('every part: kernels, models, time-to-accuracy, scaling, memory'))
    // An unknown word lands here (the default command): name it as the command it was meant to be.
    .argument('[command]')
    .option('--slow', 'add tfjs-cpu CNN training to models (seconds to minutes per step)')
    .action((command: string | undefined, o: CommonFlags & { slow?: boolean }) => {
      if (command !== undefined) throw new InvalidArgumentError(`bench: command must be one of all, ${PART_NAMES.join(', ')}, received '${command}'.`);
      return run('bench', o, [
        ['kernels', (ctx) => parts.kernels(ctx, { isa: true })],
        ['models', (ctx) => parts.models(ctx, { slow: o.slow === true })],
        ['time-to-accuracy', (ctx) => parts.accuracy(ctx)],
        ['scaling', (ctx) => parts.scaling(ctx)],
        ['memory', (ctx) => parts.memory(ctx)],
      ]);
    });

  common(program.command('kernels').description('every kernel on every contender, the machine peak, native per ISA level'))
    .option('--only <ids>', `contenders: ${KERNEL_CONTENDER_IDS.join(',')}`, idList(KERNEL_CONTENDER_IDS))
    .option('--kernels <ids>', `kernels: ${KERNEL_IDS.join(',')}`, idList(KERNEL_IDS))
    .option('--no-peak', 'skip the FMA/triad probe')
    .option('--no-isa', 'skip the per-ISA child runs')
    .option('--lead-in <ms>', 'untimed back-to-back calls before each timed one, ms (0 = none)', nonNegative)
    .action((o: CommonFlags & { only?: string[]; kernels?: string[]; peak: boolean; isa: boolean; leadIn?: number }) => {
      const k: KernelsOptions = { isa: o.isa, ...(o.only ? { only: o.only } : {}), ...(o.kernels ? { kernels: o.kernels } : {}), ...(o.leadIn !== undefined ? { leadIn: o.leadIn } : {}) };
      return run('kernels', o, [['kernels', (ctx) => parts.kernels(ctx, k)]], o.peak ? undefined : 'skipped (--no-peak)');
    });

  common(program.command('models').description('training steps and predictions, images/s, every contender, FLOPs and share of peak'))
    .option('--only <ids>', 'contenders, e.g. batchwise-native-2t,torch-2t,ort-2t (the table lists them all)', anyList)
    .option('--slow', 'add tfjs-cpu CNN training (seconds to minutes per step)')
    .action((o: CommonFlags & { only?: string[]; slow?: boolean }) => run('models', o, [['models', (ctx) => parts.models(ctx, { slow: o.slow === true, ...(o.only ? { only: o.only } : {}) })]]));

  common(program.command('time-to-accuracy').description('training seconds for cnn-bn to reach the target test accuracy on Fashion-MNIST'))
    .option('--only <ids>', `contenders: ${ACCURACY_CONTENDERS.join(',')}`, idList(ACCURACY_CONTENDERS))
    .option('--target <fraction>', 'test accuracy to reach', fraction)
    .option('--max-epochs <n>', 'give up after this many epochs', positiveInt)
    .action((o: CommonFlags & { only?: string[]; target?: number; maxEpochs?: number }) =>
      run('time-to-accuracy', o, [['time-to-accuracy', (ctx) => parts.accuracy(ctx, { ...(o.only ? { only: o.only } : {}), ...(o.target ? { target: o.target } : {}), ...(o.maxEpochs ? { maxEpochs: o.maxEpochs } : {}) })]]),
    );

  common(program.command('scaling').description('conv2d and batch norm against batch and image size, 1 thread vs all, fitted exponents')).action((o: CommonFlags) =>
    run('scaling', o, [['scaling', (ctx) => parts.scaling(ctx)]]),
  );

  common(program.command('memory').description('peak resident memory in a training epoch, allocations per steady-state step'))
    .option('--only <ids>', `contenders: ${MEMORY_CONTENDERS.join(',')}`, idList(MEMORY_CONTENDERS))
    .action((o: CommonFlags & { only?: string[] }) => run('memory', o, [['memory', (ctx) => parts.memory(ctx, o.only)]]));

  program.command('isa-child', { hidden: true }).action(async () => (await import('../kernels/isa-levels.js')).isaChild());
  program
    .command('memory-child', { hidden: true })
    .argument('<backend>')
    .addOption(new Option('--quick'))
    .action(async (backend: string, o: { quick?: boolean }) => (await import('../memory/child.js')).runMemoryChild(backend, o.quick ? MEMORY_QUICK : MEMORY_DEFAULTS));
  return program;
}

import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, oneLine, UsageError } from './errors.js';
import { createOutput, processStreams, type Output, type Streams } from './output.js';
import { parsePositiveInt } from './parse.js';

/*
 * The command tree. Each command file exports `register(program, env)`;
 * `runCli` builds a fresh tree per call (commander keeps parsed values on
 * the Command objects), so tests can run many command lines in one process.
 */

export interface CliEnv {
  streams: Streams;
  /** Working directory for relative default paths (runs/...). */
  cwd: string;
}

/** What an action returns: nothing for success, or the exit code it wants (1 failed check, 130 interrupted). */
export type ActionResult = number | void;

export type Registrar = (program: Command, env: CliEnv) => void;

/** Options most commands share. */
export interface CommonOptions {
  json?: boolean;
  backend?: string;
}

export function addJsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON on stdout (progress still goes to stderr)');
}

export function addBackendOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--backend <name>', "kernel backend: 'native', 'wasm' or 'cpu' (default: best available)"),
  );
}

export function addLimitOption(cmd: Command, what = 'examples per split'): Command {
  return cmd.option('--limit <n>', `use at most <n> ${what} (small runs, tests)`, parsePositiveInt);
}

/**
 * Wraps an action so a UsageError it throws becomes a commander usage error
 * of that command: message, then the usage, exit code 2.
 */
export function action<O>(env: CliEnv, run: (options: O, out: Output, cmd: Command, args: string[]) => Promise<ActionResult>) {
  return async (...received: unknown[]): Promise<void> => {
    const cmd = received[received.length - 1] as Command;
    const options = received[received.length - 2] as O & CommonOptions;
    const args = received.slice(0, -2) as string[];
    const out = createOutput(Boolean(options.json), env.streams);
    try {
      const code = await run(options, out, cmd, args);
      if (typeof code === 'number') exitCodes.set(env, code);
    } catch (e) {
      if (e instanceof UsageError) cmd.error(`error: ${e.message}`, { exitCode: EXIT_USAGE, code: 'batchwise.usage' });
      throw e;
    }
  };
}

// The exit code an action asked for, per run (never process.exitCode: tests run many command lines in one process).
const exitCodes = new WeakMap<CliEnv, number>();

export function buildProgram(env: CliEnv, registrars: readonly Registrar[]): Command {
  const program = new Command('batchwise');
  program
    .description('Train, evaluate and study Batch Normalization networks with batchwise.')
    .version('0.1.0', '-V, --version')
    .configureOutput({ writeOut: env.streams.stdout, writeErr: env.streams.stderr })
    .showHelpAfterError(true)
    .exitOverride();
  // Commands created after these calls inherit output, exitOverride and help-after-error.
  for (const register of registrars) register(program, env);
  return program;
}

/** Runs one command line; resolves to the process exit code. */
export async function runCli(
  argv: readonly string[],
  registrars: readonly Registrar[],
  env: CliEnv = { streams: processStreams, cwd: process.cwd() },
): Promise<number> {
  const runEnv: CliEnv = { ...env };
  const program = buildProgram(runEnv, registrars);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.get(runEnv) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      env.streams.stderr(`batchwise: error: ${e.message}\n${program.helpInformation()}`);
      return EXIT_USAGE;
    }
    const message = e instanceof CliError ? e.message : oneLine(e);
    env.streams.stderr(`batchwise: ${message}\n`);
    if (process.env.BATCHWISE_DEBUG && e instanceof Error && !(e instanceof CliError)) env.streams.stderr(`${e.stack}\n`);
    return EXIT_FAILURE;
  }
}

#!/usr/bin/env node
import { createCpuBackend } from '@batchwise/backend-cpu';
import { listBackends, findBackend } from '@batchwise/core';
import { formatMatrix, matrixToJson, runMatrix, type MatrixEntry } from '@batchwise/conformance';

/*
 * `pnpm conformance`: runs the conformance suite on every registered backend
 * and prints the kernel x backend matrix (`--json` for the JSON form). The cpu
 * backend is always there; native and wasm are imported dynamically, so a
 * missing build shows as unavailable with its reason instead of crashing.
 * Exits 1 when any kernel fails on an available backend.
 */

interface Args {
  json: boolean;
  kernels?: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--kernel' && argv[i + 1]) (args.kernels ??= []).push(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: conformance-matrix [--json] [--kernel <name>]...\n');
      process.exit(0);
    } else {
      process.stderr.write(`conformance-matrix: unknown argument '${a}'; expected --json or --kernel <name>.\n`);
      process.exit(2);
    }
  }
  return args;
}

/** Imports a backend package (native, wasm); a failed import becomes an unavailable column with the reason. */
async function importEntry(name: string, specifier: string): Promise<MatrixEntry | null> {
  // A variable specifier keeps the compiler from requiring the package's types: tools build without it.
  try {
    await import(specifier);
    return null;
  } catch (e) {
    return { name, unavailable: `import failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const failedImports = [await importEntry('native', '@batchwise/backend-native'), await importEntry('wasm', '@batchwise/backend-wasm')];
  // Every registered backend (cpu registers on import; native and wasm if their import worked), by priority.
  const entries: MatrixEntry[] = listBackends().map((s) =>
    s.available ? { name: s.name, create: () => findBackend(s.name) } : { name: s.name, unavailable: s.reason ?? 'factory failed' },
  );
  if (!entries.some((e) => e.name === 'cpu')) entries.push({ name: 'cpu', create: () => createCpuBackend() });
  for (const failed of failedImports) if (failed) entries.push(failed);
  const result = await runMatrix(entries, args.kernels ? { kernels: args.kernels } : {});
  if (args.kernels && result.kernels.length === 0 && result.columns.some((c) => c.report)) {
    process.stderr.write(`conformance-matrix: --kernel matched no case, received ${args.kernels.map((k) => `'${k}'`).join(', ')}.\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(args.json ? `${JSON.stringify(matrixToJson(result), null, 2)}\n` : `${formatMatrix(result)}\n`);
  if (!result.pass) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`conformance-matrix: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

import { findBackend } from '@batchwise/core';
import { formatMatrix, matrixToJson, runMatrix, type MatrixEntry } from '@batchwise/conformance';
import type { Command } from 'commander';
import { listAllBackends, loadBackends } from '../cli/backend-setup.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/errors.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';

/*
 * `batchwise conformance`: the kernel x backend matrix of
 * @batchwise/conformance (float64 references, invalid-argument cases, ONNX
 * test vectors, reference gradients against finite differences). Unavailable
 * backends appear with their reason. Exit code 1 when any case fails, so CI
 * can gate on it.
 */

interface ConformanceOptions {
  json?: boolean;
  backend?: string[];
  kernel?: string[];
}

export function registerConformance(program: Command, env: CliEnv): void {
  const cmd = program
    .command('conformance')
    .description('run the kernel conformance suite on every backend and print the kernel x backend matrix')
    .option('--backend <name...>', 'only these backends (default: every registered one)')
    .option('--kernel <name...>', "only these kernels, e.g. conv2d batchNormBackward 'onnx:Conv'");
  addJsonOption(cmd).action(
    action(env, async (options: ConformanceOptions, out) => {
      await loadBackends();
      const listing = listAllBackends();
      for (const name of options.backend ?? []) {
        if (!listing.some((b) => b.name === name)) {
          throw new UsageError(`--backend must name ${listing.map((b) => `'${b.name}'`).join(', ')}, received '${name}'.`);
        }
      }
      const entries: MatrixEntry[] = listing
        .filter((b) => !options.backend || options.backend.includes(b.name))
        .map((b) => (b.available ? { name: b.name, backend: findBackend(b.name) } : { name: b.name, unavailable: b.reason ?? 'unavailable' }));
      out.status(`running the conformance suite on ${entries.filter((e) => e.backend).map((e) => e.name).join(', ') || 'no available backend'}...`);
      const matrix = await runMatrix(entries, options.kernel ? { kernels: options.kernel } : {});
      if (options.kernel && matrix.kernels.length === 0) {
        throw new UsageError(`--kernel matched no case, received ${options.kernel.map((k) => `'${k}'`).join(', ')}.`);
      }
      out.result(matrixToJson(matrix), () => formatMatrix(matrix));
      return matrix.pass ? EXIT_OK : EXIT_FAILURE;
    }),
  );
}

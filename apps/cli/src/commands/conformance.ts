import { findBackend } from '@batchwise/core';
import { runConformance, type ConformanceReport } from '@batchwise/conformance';
import type { Command } from 'commander';
import { listAllBackends, loadBackends } from '../cli/backend-setup.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/errors.js';
import { formatTable } from '../cli/output.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';

/*
 * `batchwise conformance`: the kernel x backend matrix. Every available
 * backend runs the @batchwise/conformance suite (float64 references, invalid
 * argument cases, ONNX test vectors); a cell says pass, FAIL with the worst
 * error, or '-' when the backend has no case for that kernel. Exit code 1
 * when any case fails, so CI can gate on it.
 */

interface ConformanceOptions {
  json?: boolean;
  backend?: string[];
  kernel?: string[];
}

export interface MatrixResult {
  backends: string[];
  unavailable: { name: string; reason: string }[];
  pass: boolean;
  /** kernel -> backend -> cell. */
  matrix: Record<string, Record<string, { pass: boolean; maxError: number; cases: number; failed: number; skipped: number }>>;
  failures: { backend: string; kernel: string; case: string; message: string }[];
}

export function registerConformance(program: Command, env: CliEnv): void {
  const cmd = program
    .command('conformance')
    .description('run the kernel conformance suite on every available backend and print the kernel x backend matrix')
    .option('--backend <name...>', 'only these backends (default: every available one)')
    .option('--kernel <name...>', "only these kernels, e.g. conv2d batchNormBackward 'onnx:Conv'");
  addJsonOption(cmd).action(
    action(env, async (options: ConformanceOptions, out) => {
      await loadBackends();
      const listing = listAllBackends();
      const wanted = options.backend ?? listing.filter((b) => b.available).map((b) => b.name);
      for (const name of wanted) {
        const known = listing.find((b) => b.name === name);
        if (!known) throw new UsageError(`--backend must name ${listing.map((b) => `'${b.name}'`).join(', ')}, received '${name}'.`);
        if (!known.available) throw new CliError(`backend '${name}' is unavailable: ${known.reason}`);
      }
      const reports: ConformanceReport[] = [];
      for (const name of wanted) {
        out.status(`running the conformance suite on ${name}...`);
        reports.push(runConformance(findBackend(name), options.kernel ? { kernels: options.kernel } : {}));
      }
      const result = toMatrix(reports, listing.filter((b) => !b.available).map((b) => ({ name: b.name, reason: b.reason ?? '' })));
      if (options.kernel && Object.keys(result.matrix).length === 0) {
        throw new UsageError(`--kernel matched no case, received ${options.kernel.map((k) => `'${k}'`).join(', ')}.`);
      }
      out.result(result, () => renderMatrix(result));
      return result.pass ? EXIT_OK : EXIT_FAILURE;
    }),
  );
}

export function toMatrix(reports: readonly ConformanceReport[], unavailable: MatrixResult['unavailable']): MatrixResult {
  const matrix: MatrixResult['matrix'] = {};
  for (const r of reports) {
    for (const [kernel, s] of Object.entries(r.kernels)) (matrix[kernel] ??= {})[r.backend] = { ...s };
  }
  const failures = reports.flatMap((r) =>
    r.results.filter((c) => !c.pass && !c.skipped).map((c) => ({ backend: r.backend, kernel: c.kernel, case: c.case, message: c.message ?? '' })),
  );
  return { backends: reports.map((r) => r.backend), unavailable, pass: reports.every((r) => r.pass), matrix, failures };
}

export function renderMatrix(m: MatrixResult): string {
  const rows = Object.entries(m.matrix).map(([kernel, cells]) => [
    kernel,
    ...m.backends.map((b) => {
      const c = cells[b];
      if (!c) return '-';
      const note = c.skipped > 0 ? ` (${c.skipped} skipped)` : '';
      return c.pass ? `pass ${c.cases}${note}` : `FAIL ${c.failed}/${c.cases} err ${c.maxError.toExponential(1)}`;
    }),
  ]);
  const lines = [formatTable(['kernel', ...m.backends], rows), ''];
  for (const f of m.failures.slice(0, 20)) lines.push(`FAIL ${f.backend} ${f.kernel} '${f.case}': ${f.message.split('\n')[0]}`);
  if (m.failures.length > 20) lines.push(`... and ${m.failures.length - 20} more failures (see --json)`);
  for (const u of m.unavailable) lines.push(`not run: ${u.name} (${u.reason})`);
  lines.push(m.pass ? `all cases pass on ${m.backends.join(', ')}` : `${m.failures.length} failing cases`);
  return lines.join('\n');
}

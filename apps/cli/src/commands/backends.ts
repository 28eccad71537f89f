import type { Command } from 'commander';
import { listAllBackends, loadBackends, type BackendListing } from '../cli/backend-setup.js';
import { formatTable } from '../cli/output.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';

/** `batchwise backends`: which backends load, which is active, threads and SIMD, and why others do not. */
export function registerBackends(program: Command, env: CliEnv): void {
  const cmd = program
    .command('backends')
    .description('list the kernel backends: available, active, threads, SIMD level, or why one is unavailable');
  addJsonOption(cmd).action(
    action(env, async (_options: { json?: boolean }, out) => {
      await loadBackends();
      const backends = listAllBackends();
      out.result({ backends }, () => renderBackends(backends));
    }),
  );
}

export function renderBackends(backends: readonly BackendListing[]): string {
  const rows = backends.map((b) => [
    b.active ? `* ${b.name}` : `  ${b.name}`,
    b.available ? 'available' : 'unavailable',
    b.info ? String(b.info.threads) : '-',
    b.info ? b.info.simd : '-',
    b.available ? extraInfo(b) : (b.reason ?? 'unknown reason'),
  ]);
  const active = backends.find((b) => b.active);
  const footer = active ? `active: ${active.name} (* above); choose another with --backend <name>` : 'no backend is available';
  return `${formatTable(['backend', 'status', 'threads', 'simd', 'details'], rows)}\n\n${footer}`;
}

/** Any extra keys a backend reports about itself besides name, threads and simd. */
function extraInfo(b: BackendListing): string {
  if (!b.info) return '';
  return Object.entries(b.info)
    .filter(([k]) => !['name', 'threads', 'simd'].includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

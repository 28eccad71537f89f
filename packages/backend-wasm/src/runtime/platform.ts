/*
 * What the JavaScript host offers, found without importing Node built-ins
 * statically: the package stays importable where they do not exist (a
 * browser), and there the backend reports why it is unavailable instead.
 */

type Fs = typeof import('node:fs');
type WorkerThreads = typeof import('node:worker_threads');
type Os = typeof import('node:os');

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env: Record<string, string | undefined>;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p !== undefined && typeof p.getBuiltinModule === 'function' ? p : undefined;
}

function builtin<T>(id: string): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
}

export const nodeFs = (): Fs | undefined => builtin<Fs>('node:fs');
export const nodeWorkerThreads = (): WorkerThreads | undefined => builtin<WorkerThreads>('node:worker_threads');
export const nodeOs = (): Os | undefined => builtin<Os>('node:os');

/** An environment variable, or undefined outside Node. */
export function env(name: string): string | undefined {
  return nodeProcess()?.env[name];
}

/** Why shared memory (and so threads) cannot be used here, or null when it can. */
export function sharedMemoryUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function') {
    return 'SharedArrayBuffer is unavailable (a browser page must be cross-origin isolated)';
  }
  if (nodeWorkerThreads() === undefined) return 'no worker_threads (workers outside Node are not supported yet)';
  return null;
}

/** Threads to start with: BATCHWISE_NUM_THREADS when it is a positive integer, else the core count (as native). */
export function defaultThreadCount(max: number): number {
  const v = env('BATCHWISE_NUM_THREADS');
  if (v !== undefined && /^\d+$/.test(v) && Number(v) >= 1) return Math.min(max, Number(v));
  const cores = nodeOs()?.availableParallelism() ?? 1;
  return Math.max(1, Math.min(max, cores));
}

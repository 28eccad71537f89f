import type { Backend } from '@batchwise/core';
import type { Contender, KernelCase, Preparation } from '../types.js';
import { batchwiseRunner } from './batchwise-runners.js';
import { firstLine } from '../errors.js';

/*
 * batchwise's own backends as contenders. They are loaded by dynamic import
 * so that a backend that is not built (or whose addon fails to load) shows as
 * unavailable with its reason while every other contender still runs.
 */

/** The thread controls @batchwise/backend-native and backend-wasm export besides their factory (checked at run time). */
export interface NativeControls {
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

export interface LoadedBackend {
  backend?: Backend;
  native?: NativeControls;
  version?: string;
  reason?: string;
}

/** Imports a backend package and calls its factory; failures become a reason, never a throw. */
export async function loadBatchwiseBackend(pkg: string, factoryName: string): Promise<LoadedBackend> {
  let mod: Record<string, unknown>;
  try {
    // A variable specifier keeps the compiler from requiring the package's types at build time.
    const specifier: string = pkg;
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    // The package itself missing (not installed in this checkout) is said in a few words.
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && firstLine(e).includes(`'${pkg}'`);
    return { reason: missing ? `${pkg} is not installed` : `cannot import ${pkg}: ${firstLine(e)}` };
  }
  const factory = mod[factoryName];
  if (typeof factory !== 'function') return { reason: `${pkg} does not export ${factoryName}()` };
  let backend: Backend;
  try {
    backend = (factory as () => Backend)();
  } catch (e) {
    return { reason: `${factoryName}() failed: ${firstLine(e)}` };
  }
  const controls = ['setNumThreads', 'getNumThreads'].every((k) => typeof mod[k] === 'function')
    ? (mod as unknown as NativeControls)
    : undefined;
  if (controls) {
    // Starts the pool and lets its workers start before the first timed job (see switchThreads).
    controls.getNumThreads();
    await settle();
  }
  return { backend, ...(controls ? { native: controls } : {}) };
}

/** Settle time after a thread-count change, untimed; see switchThreads. */
const THREAD_SWITCH_SETTLE_MS = 20;

/**
 * Changes the native pool size only when it differs, then waits (untimed) so
 * the new workers are running before the next timed call and thread creation
 * is not counted. Early native builds also had a pool-start race (a job
 * posted before a new worker read the job generation hung the process, fixed
 * in 62cb9ba); the pause kept those builds usable too.
 */
export async function switchThreads(native: NativeControls, threads: number): Promise<void> {
  if (native.getNumThreads() === threads) return;
  native.setNumThreads(threads);
  await settle();
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, THREAD_SWITCH_SETTLE_MS));
}

function describeInfo(backend: Backend, threads: number | undefined): string {
  const info = backend.info();
  return `simd ${info.simd}, ${threads === undefined ? `${info.threads} thread(s)` : `${threads} thread(s) via setNumThreads`}`;
}

/** A contender running `backend`'s kernels; `threads` set through the native controls before every run. */
export function batchwiseContender(
  id: string,
  label: string,
  loaded: LoadedBackend,
  threads: number,
  useThreadControl: boolean,
): Contender {
  const { backend, native } = loaded;
  const status = backend
    ? { available: true, detail: describeInfo(backend, useThreadControl && native ? threads : undefined) }
    : { available: false, reason: loaded.reason ?? 'not loaded' };
  const setThreads = useThreadControl && native ? () => switchThreads(native, threads) : undefined;
  return {
    id,
    label,
    threads,
    ours: true,
    maxRuns: Number.POSITIVE_INFINITY,
    status,
    async prepare(kernel: KernelCase): Promise<Preparation> {
      if (!backend) return { unavailable: status.reason ?? 'not loaded' };
      await setThreads?.();
      try {
        const run = batchwiseRunner(backend, kernel.id);
        run(); // fails fast on a kernel the backend does not have yet
        return { run, ...(setThreads ? { before: setThreads } : {}) };
      } catch (e) {
        return { unavailable: firstLine(e) };
      }
    },
  };
}

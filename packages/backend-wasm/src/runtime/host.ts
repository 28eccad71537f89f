import type { LoadedModule, WasmFile } from './module.js';

/*
 * What differs between JavaScript hosts, behind one interface: how the
 * compiled module is obtained and how pool threads start. Node's host
 * (node-host.ts) reads the module with node:fs and starts worker_threads;
 * the browser's (browser-host.ts) fetches and compiles it ahead of time and
 * starts Web Workers. Each package entry installs its own, so a browser
 * bundle never imports the Node one.
 */

/** What a pool needs from its runtime: heap blocks for each worker's stack and thread-local storage. */
export interface PoolRuntime {
  readonly exports: { __tls_size?: WebAssembly.Global; __tls_align?: WebAssembly.Global };
  readonly manifest: { stackBytes: number };
  alloc(fn: string, bytes: number): number;
}

/** The workers of the threaded runtime (worker i is pool thread i + 1). */
export interface WorkerPool {
  /** Starts workers until `count` exist. */
  ensure(count: number): void;
  /** Settles once every started worker runs (rejects if one failed to). */
  ready(): Promise<void>;
}

export interface Host {
  /** The compiled module, synchronously; throws (every time) with a one-line reason. */
  readModule(file: WasmFile): LoadedModule;
  /** Why shared memory (and so threads) cannot be used here, or null when it can. */
  sharedMemoryUnavailable(): string | null;
  /** Threads to start with (at most `max`). */
  defaultThreadCount(max: number): number;
  /** Whether the calling thread may sleep in Atomics.wait (a browser's main thread may not). */
  callerCanBlock(): boolean;
  createPool(module: WebAssembly.Module, memory: WebAssembly.Memory, runtime: PoolRuntime): WorkerPool;
}

let installed: Host | undefined;

export function setHost(host: Host): void {
  installed = host;
}

export function host(): Host {
  if (installed === undefined) throw new Error('wasm: no host is installed; import @batchwise/backend-wasm itself, not its internal modules.');
  return installed;
}

/** The first non-empty line of a message. */
export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? 'unknown reason';
}

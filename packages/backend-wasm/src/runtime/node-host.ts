import { firstLine, type Host } from './host.js';
import type { LoadedModule, Manifest, WasmFile } from './module.js';
import { NodeWorkerPool } from './node-workers.js';

/*
 * The Node host: the module read from build/wasm with node:fs and compiled
 * synchronously, threads on worker_threads. Node built-ins are reached
 * through process.getBuiltinModule rather than imported statically, so the
 * module also evaluates in hosts that lack some of them (they report why).
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
const nodeOs = (): Os | undefined => builtin<Os>('node:os');

/** An environment variable, or undefined outside Node. */
function env(name: string): string | undefined {
  return nodeProcess()?.env[name];
}

const PACKAGE_BUILD_DIR = new URL('../../build/', import.meta.url);

/** build/ of this package, or BATCHWISE_WASM_BUILD_DIR (another build; the tests use it). */
function buildDir(): URL {
  const dir = env('BATCHWISE_WASM_BUILD_DIR');
  if (dir === undefined || dir === '') return PACKAGE_BUILD_DIR;
  return new URL(`file://${dir.endsWith('/') ? dir : `${dir}/`}`);
}

function read(file: WasmFile): LoadedModule {
  const BUILD_DIR = buildDir();
  const fs = nodeFs();
  if (fs === undefined) throw new Error('the WebAssembly module is read with node:fs; this host has none.');
  const wasm = new URL(`wasm/${file}`, BUILD_DIR);
  if (!fs.existsSync(wasm)) {
    const failed = new URL('BUILD_FAILED.txt', BUILD_DIR);
    if (fs.existsSync(failed)) throw new Error(firstLine(fs.readFileSync(failed, 'utf8')));
    throw new Error(`wasm module not built: ${wasm.pathname} is missing (run \`pnpm --filter @batchwise/backend-wasm build\`).`);
  }
  const manifest = JSON.parse(fs.readFileSync(new URL('wasm/manifest.json', BUILD_DIR), 'utf8')) as Manifest;
  try {
    return { module: new WebAssembly.Module(fs.readFileSync(wasm)), manifest };
  } catch (e) {
    // An engine without SIMD, threads or bulk memory rejects the module here.
    throw new Error(`wasm module failed to compile: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
}

const compiled = new Map<WasmFile, { value: LoadedModule } | { error: Error }>();

export const nodeHost: Host = {
  readModule(file) {
    let entry = compiled.get(file);
    if (entry === undefined) {
      try {
        entry = { value: read(file) };
      } catch (e) {
        entry = { error: e instanceof Error ? e : new Error(String(e)) };
      }
      compiled.set(file, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.value;
  },
  sharedMemoryUnavailable() {
    if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable';
    if (nodeWorkerThreads() === undefined) return 'this host has no worker_threads';
    return null;
  },
  /** BATCHWISE_NUM_THREADS when it is a positive integer, else the core count (as native). */
  defaultThreadCount(max) {
    const v = env('BATCHWISE_NUM_THREADS');
    if (v !== undefined && /^\d+$/.test(v) && Number(v) >= 1) return Math.min(max, Number(v));
    const cores = nodeOs()?.availableParallelism() ?? 1;
    return Math.max(1, Math.min(max, cores));
  },
  // Node's main thread may sleep in Atomics.wait while workers finish.
  callerCanBlock: () => true,
  createPool: (module, memory, runtime) => new NodeWorkerPool(module, memory, runtime),
};

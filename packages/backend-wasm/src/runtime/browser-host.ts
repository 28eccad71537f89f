import { firstLine, type Host } from './host.js';
import type { LoadedModule, Manifest, WasmFile } from './module.js';
import { BrowserWorkerPool } from './browser-workers.js';

/*
 * The browser host: the module is fetched beside this file (a bundler such
 * as Vite emits `new URL('…wasm', import.meta.url)` as an asset) and compiled
 * ahead of time by prepareModule(), because kernels are synchronous and a
 * page's main thread may not compile a large module synchronously. Threads
 * are Web Workers over a shared memory, where the page is cross-origin
 * isolated (SharedArrayBuffer exists only there).
 */

// Written out per file: a bundler recognises only a literal URL here.
const URLS: Record<WasmFile | 'manifest', () => URL> = {
  'batchwise.wasm': () => new URL('../../build/wasm/batchwise.wasm', import.meta.url),
  'batchwise-threads.wasm': () => new URL('../../build/wasm/batchwise-threads.wasm', import.meta.url),
  manifest: () => new URL('../../build/wasm/manifest.json', import.meta.url),
};

const prepared = new Map<WasmFile, Promise<LoadedModule>>();
const ready = new Map<WasmFile, { value: LoadedModule } | { error: Error }>();

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wasm: ${url.href} must be served with HTTP status 200, received ${response.status}.`);
  return response;
}

async function compile(file: WasmFile): Promise<LoadedModule> {
  const manifest = (await (await fetchOk(URLS.manifest())).json()) as Manifest;
  const response = await fetchOk(URLS[file]());
  try {
    // Streaming compilation needs the application/wasm type; without it, compile the bytes.
    const streamed = response.headers.get('content-type')?.startsWith('application/wasm') === true;
    const module = streamed ? await WebAssembly.compileStreaming(response) : await WebAssembly.compile(await response.arrayBuffer());
    return { module, manifest };
  } catch (e) {
    // An engine without SIMD, threads or bulk memory rejects the module here.
    throw new Error(`wasm module failed to compile: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
}

/** Fetches and compiles one module (once); readModule() has it from then on, or its error. */
export function prepareModule(file: WasmFile): Promise<LoadedModule> {
  let p = prepared.get(file);
  if (p === undefined) {
    p = compile(file).then(
      (value) => (ready.set(file, { value }), value),
      (e: unknown) => {
        const error = e instanceof Error ? e : new Error(String(e));
        ready.set(file, { error });
        throw error;
      },
    );
    prepared.set(file, p);
  }
  return p;
}

/** A dedicated worker may block in Atomics.wait; a page's main thread (and other contexts) may not. */
function inDedicatedWorker(): boolean {
  const scope = (globalThis as { DedicatedWorkerGlobalScope?: abstract new () => unknown }).DedicatedWorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

export const browserHost: Host = {
  readModule(file) {
    const entry = ready.get(file);
    if (entry === undefined) {
      throw new Error('in a browser the WebAssembly module is fetched asynchronously: `await initWasmBackend()` first.');
    }
    if ('error' in entry) throw entry.error;
    return entry.value;
  },
  sharedMemoryUnavailable() {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    if (typeof SharedArrayBuffer !== 'function' || isolated === false) {
      return 'the page is not cross-origin isolated, so SharedArrayBuffer is unavailable (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    }
    if (typeof Worker !== 'function') return 'this context cannot start Web Workers';
    return null;
  },
  defaultThreadCount(max) {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
    return Math.max(1, Math.min(max, cores));
  },
  callerCanBlock: inDedicatedWorker,
  createPool: (module, memory, runtime) => new BrowserWorkerPool(module, memory, runtime),
};

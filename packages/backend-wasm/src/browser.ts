import type { Backend } from '@batchwise/core';
import { registerWasm } from './register.js';
import { browserHost, prepareModule } from './runtime/browser-host.js';
import { setHost } from './runtime/host.js';
import { wasmFile } from './runtime/module.js';
import { WasmRuntime } from './runtime/runtime.js';
import { createWasmBackend, type WasmBackendOptions } from './wasm-backend.js';

/*
 * The browser entry (the `browser` and `default` export conditions): no Node
 * built-ins. The module is fetched and compiled by initWasmBackend(), since
 * kernels are synchronous and a page may not compile a large module
 * synchronously; `wasm` is registered then, so the registry never caches a
 * "not loaded yet" failure.
 */

export { createWasmBackend, getNumThreads, MAX_THREADS, setNumThreads, WASM_BACKEND_NAME } from './wasm-backend.js';
export type { WasmBackendOptions } from './wasm-backend.js';
export { WASM_PRIORITY } from './register.js';

setHost(browserHost);

let registered = false;

/**
 * Fetches and compiles the module (threaded where the page is cross-origin
 * isolated, unless `sharedMemory: false`), registers `wasm` with the
 * registry (created with these options), starts the pool's Web Workers and
 * resolves once they run. Rejects with a one-line reason where the module
 * cannot load; `wasm` then shows as unavailable in listBackends().
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  const threaded = options.sharedMemory !== false && browserHost.sharedMemoryUnavailable() === null;
  let failure: Error | null = null;
  try {
    await prepareModule(wasmFile(threaded));
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  if (!registered) {
    registered = true;
    registerWasm(() => {
      if (failure !== null) throw failure;
      return createWasmBackend(options);
    });
  }
  if (failure !== null) throw failure;
  const backend = createWasmBackend(options);
  await WasmRuntime.get(options.sharedMemory, options.memoryLimitBytes).threadsReady();
  return backend;
}

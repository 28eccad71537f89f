import type { Backend } from '@batchwise/core';
import { registerWasm } from './register.js';
import { setHost } from './runtime/host.js';
import { nodeHost } from './runtime/node-host.js';
import { createWasmBackend, type WasmBackendOptions } from './wasm-backend.js';

/*
 * The Node entry (the `node` export condition): the module is read with
 * node:fs and threads are worker_threads. Browsers get browser.ts instead.
 */

export { createWasmBackend, getNumThreads, MAX_THREADS, setNumThreads, WASM_BACKEND_NAME } from './wasm-backend.js';
export type { WasmBackendOptions } from './wasm-backend.js';
export { WASM_PRIORITY } from './register.js';

setHost(nodeHost);

/**
 * A backend once the module is ready. Under Node that is at once (the module
 * is read synchronously); it exists so that code written for browsers, which
 * must await it, runs unchanged.
 */
export async function initWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  return createWasmBackend(options);
}

// The one import side effect: registration. The factory instantiates the
// module lazily, so a missing build never throws here; it shows in
// listBackends() as unavailable with its reason.
registerWasm(() => createWasmBackend());

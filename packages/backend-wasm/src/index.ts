import { InvalidArgumentError, registerBackend } from '@batchwise/core';
import { createWasmBackend, WASM_BACKEND_NAME } from './wasm-backend.js';

export { createWasmBackend, getNumThreads, MAX_THREADS, setNumThreads, WASM_BACKEND_NAME } from './wasm-backend.js';
export type { WasmBackendOptions } from './wasm-backend.js';

/** Registry priority: between cpu (1) and native (10), so wasm is the default where native does not load. */
export const WASM_PRIORITY = 5;

// The one import side effect: registration. The factory instantiates the
// module lazily, so a missing build never throws here; it shows in
// listBackends() as unavailable with its reason.
try {
  registerBackend(WASM_BACKEND_NAME, () => createWasmBackend(), { priority: WASM_PRIORITY });
} catch (e) {
  // A second copy of this module (src and dist in one test run) finds the name taken.
  if (!(e instanceof InvalidArgumentError)) throw e;
}

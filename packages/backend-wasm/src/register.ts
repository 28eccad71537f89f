import { InvalidArgumentError, registerBackend, type Backend } from '@batchwise/core';
import { WASM_BACKEND_NAME } from './wasm-backend.js';

/** Registry priority: between cpu (1) and native (10), so wasm is the default where native does not load. */
export const WASM_PRIORITY = 5;

/** Registers `wasm`; a second copy of this package (src and dist in one test run) finds the name taken and leaves it. */
export function registerWasm(factory: () => Backend): void {
  try {
    registerBackend(WASM_BACKEND_NAME, factory, { priority: WASM_PRIORITY });
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
  }
}

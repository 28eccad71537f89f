import { host } from './host.js';

/*
 * The compiled WebAssembly modules (build/wasm, shipped in the package),
 * obtained from the host: read and compiled once per process under Node,
 * fetched and compiled ahead of time by initWasmBackend() in a browser.
 * Loading never throws at import time: the first use reports a one-line
 * reason, which the registry shows in listBackends().
 */

export interface Manifest {
  toolchain: string;
  initialPages: number;
  maxPages: number;
  stackBytes: number;
  simd: string;
}

export interface LoadedModule {
  module: WebAssembly.Module;
  manifest: Manifest;
}

export type WasmFile = 'batchwise.wasm' | 'batchwise-threads.wasm';

export const wasmFile = (threaded: boolean): WasmFile => (threaded ? 'batchwise-threads.wasm' : 'batchwise.wasm');

/** The module; throws (every time) with the one-line reason if it cannot be had. */
export function loadModule(threaded: boolean): LoadedModule {
  return host().readModule(wasmFile(threaded));
}

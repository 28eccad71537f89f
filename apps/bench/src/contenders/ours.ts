import { loadBatchwiseBackend, type LoadedBackend } from './batchwise.js';

/*
 * batchwise's own backends, loaded by dynamic import (once per process): a
 * package that is not built or not installed (wasm, until it lands) shows as
 * unavailable with the reason while everything else runs.
 */

export const NATIVE_PACKAGE = '@batchwise/backend-native';
export const WASM_PACKAGE = '@batchwise/backend-wasm';
export const CPU_PACKAGE = '@batchwise/backend-cpu';

/** batchwise's backends: registry name, package, factory, and whether its thread count can be set. */
export const OUR_BACKENDS = [
  { name: 'native', pkg: NATIVE_PACKAGE, factory: 'createNativeBackend', threaded: true },
  { name: 'wasm', pkg: WASM_PACKAGE, factory: 'createWasmBackend', threaded: true },
  { name: 'cpu', pkg: CPU_PACKAGE, factory: 'createCpuBackend', threaded: false },
] as const;

export type OurBackendName = (typeof OUR_BACKENDS)[number]['name'];

const loaded = new Map<string, Promise<LoadedBackend>>();

/** Loads (once per process) one of our backends; importing it registers it with core's registry. */
export function loadOurBackend(name: OurBackendName): Promise<LoadedBackend> {
  const b = OUR_BACKENDS.find((x) => x.name === name)!;
  let p = loaded.get(name);
  if (!p) loaded.set(name, (p = loadBatchwiseBackend(b.pkg, b.factory)));
  return p;
}

export async function loadNative(): Promise<LoadedBackend> {
  return loadOurBackend('native');
}

export async function loadWasm(): Promise<LoadedBackend> {
  return loadOurBackend('wasm');
}


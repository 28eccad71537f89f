import '@batchwise/backend-cpu';
import { initWasmBackend } from '@batchwise/backend-wasm';
import { getBackend, type Backend } from '@batchwise/core';

/*
 * Which backend the page computes with: the best registered one that loads
 * (core's registry picks by priority: wasm over cpu), said in words for the
 * page. In a browser, wasm registers once its module is fetched and compiled.
 */

/** The backends the page offers, best first. */
export const PAGE_BACKENDS = ['wasm', 'cpu'] as const;

/** Why wasm could not load here, or null when it did. */
export let wasmUnavailable: string | null = null;

/** Loads the backends the page can use; after it, getBackend() is the one that runs (cpu where wasm cannot load). */
export async function chooseBackend(): Promise<void> {
  try {
    await initWasmBackend();
    wasmUnavailable = null;
  } catch (e) {
    wasmUnavailable = e instanceof Error ? e.message : String(e);
  }
  getBackend();
}

/** "wasm (2 threads, SIMD wasm-simd128)", "cpu (1 thread)" and the like. */
export function describeBackend(backend: Backend = getBackend()): string {
  const info = backend.info();
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const simd = info.simd && info.simd !== 'none' && info.simd !== 'scalar' ? `, SIMD ${info.simd}` : '';
  return `${info.name} (${threads}${simd})`;
}

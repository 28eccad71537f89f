import '@batchwise/backend-cpu';
import { getBackend, type Backend } from '@batchwise/core';

/*
 * Which backend the page computes with: the best registered one that loads
 * (core's registry picks by priority), said in words for the page.
 */

/** The backends the page offers, best first. */
export const PAGE_BACKENDS = ['cpu'] as const;

/** Loads the backends the page can use; after it, getBackend() is the one that runs. */
export async function chooseBackend(): Promise<void> {
  getBackend();
}

/** "cpu: pure TypeScript, 1 thread" and the like. */
export function describeBackend(backend: Backend = getBackend()): string {
  const info = backend.info();
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const simd = info.simd && info.simd !== 'none' && info.simd !== 'scalar' ? `, SIMD ${info.simd}` : '';
  return `${info.name} (${threads}${simd})`;
}

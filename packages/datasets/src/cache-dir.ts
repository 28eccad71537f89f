import { fileURLToPath } from 'node:url';

/** Environment variable that moves the cache (e.g. to a CI cache folder). */
export const CACHE_DIR_ENV = 'BATCHWISE_CACHE_DIR';

/**
 * `node_modules/.cache/batchwise` inside this package, the conventional place
 * for tool caches: it is ignored by git and removed with node_modules.
 * Resolved from this file (src/ or dist/ alike, both one level down).
 */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/batchwise', import.meta.url));

/** The cache folder: the explicit option, else `$BATCHWISE_CACHE_DIR`, else the default. */
export function resolveCacheDir(option?: string): string {
  if (option !== undefined) return option;
  const env = process.env[CACHE_DIR_ENV];
  return env !== undefined && env !== '' ? env : DEFAULT_CACHE_DIR;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR_ENV, DEFAULT_CACHE_DIR, resolveCacheDir } from '../src/cache-dir.js';

afterEach(() => vi.unstubAllEnvs());

describe('resolveCacheDir', () => {
  it('defaults to node_modules/.cache/batchwise inside the package', () => {
    vi.stubEnv(CACHE_DIR_ENV, '');
    expect(DEFAULT_CACHE_DIR).toBe(fileURLToPath(new URL('../node_modules/.cache/batchwise', import.meta.url)));
    expect(resolveCacheDir()).toBe(DEFAULT_CACHE_DIR);
  });

  it('takes $BATCHWISE_CACHE_DIR, and the option over both', () => {
    vi.stubEnv(CACHE_DIR_ENV, '/tmp/from-env');
    expect(resolveCacheDir()).toBe('/tmp/from-env');
    expect(resolveCacheDir('/tmp/explicit')).toBe('/tmp/explicit');
  });
});

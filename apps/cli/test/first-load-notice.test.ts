import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

// The first load of a dataset parses its JSON into the binary cache (seconds): train says so first.
const cache = tempDir('batchwise-cache-');
const runs = tempDir();
const saved = process.env.BATCHWISE_CACHE_DIR;
process.env.BATCHWISE_CACHE_DIR = cache.dir;
afterAll(() => {
  if (saved === undefined) delete process.env.BATCHWISE_CACHE_DIR;
  else process.env.BATCHWISE_CACHE_DIR = saved;
  cache.cleanup();
  runs.cleanup();
});

describe('batchwise train on a dataset without a cache', () => {
  const args = (out: string) => ['train', 'mlp-bn', '--dataset', 'mnist', '--limit', '64', '--epochs', '1', '--backend', 'cpu', '--out', out];

  it('announces the first load before it, and not once the cache exists', async () => {
    const first = await run(args(`${runs.dir}/a`));
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stderr.split('\n');
    const notice = lines.findIndex((l) => l.startsWith('first use of mnist: parsing it into a binary cache'));
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice).toBeLessThan(lines.findIndex((l) => l.startsWith('training mlp-bn')));
    const second = await run(args(`${runs.dir}/b`));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('first use of');
  });
});

import { describe, expect, it } from 'vitest';
import { formatMatrix, matrixToJson, runMatrix } from '../src/matrix.js';
import { createReferenceBackend, plantBug } from '../src/testing/index.js';

describe('conformance matrix', () => {
  it('runs available backends, shows unavailable ones with their reason, and fails on any failing kernel', async () => {
    const reference = createReferenceBackend();
    const m = await runMatrix(
      [
        { name: 'reference', backend: reference },
        { name: 'buggy', create: () => plantBug(reference, 'maxpool-zero-init') },
        { name: 'native', unavailable: 'addon not built' },
        { name: 'broken', create: () => { throw new Error('factory exploded'); } },
      ],
      { kernels: ['maxPool', 'relu'], groups: ['kernel'] },
    );
    expect(m.pass).toBe(false);
    expect(m.kernels).toEqual(['maxPool', 'relu']);
    const text = formatMatrix(m);
    expect(text).toMatch(/^maxPool\s+pass (\d+) err 0\s+FAIL \d+\/\1 err/m);
    expect(text).toContain('native: unavailable (addon not built)');
    expect(text).toContain('broken: unavailable (factory exploded)');
    expect(text).toContain('conformance: FAIL');
    const json = matrixToJson(m);
    expect(json.backends.reference.maxPool).toEqual({ pass: true, maxError: 0, cases: m.columns[0].report!.kernels.maxPool.cases });
    expect(json.backends.buggy.maxPool.pass).toBe(false);
    expect(json.unavailable).toEqual({ native: 'addon not built', broken: 'factory exploded' });
  });

  it('passes when every available backend passes', async () => {
    const m = await runMatrix([{ name: 'reference', create: () => createReferenceBackend() }], { kernels: ['relu'], groups: ['kernel'] });
    expect(m.pass).toBe(true);
    expect(formatMatrix(m)).toContain('conformance: PASS');
  });
});

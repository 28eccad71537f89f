import { describe, expect, it } from 'vitest';
import { compareBackends } from '../src/runner.js';
import { describeCrossBackend } from '../src/vitest.js';
import { createReferenceBackend, plantBug } from '../src/testing/index.js';

// Two independent instances agree on every comparable case.
describeCrossBackend('reference', () => createReferenceBackend(), 'reference-copy', () => createReferenceBackend('reference-copy'));

describe('compareBackends', () => {
  it('finds the kernel where two backends disagree', () => {
    const a = createReferenceBackend();
    const r = compareBackends(a, plantBug(a, 'filter-grad-flipped'));
    expect(r.pass).toBe(false);
    expect(Object.entries(r.kernels).filter(([, s]) => !s.pass).map(([k]) => k)).toEqual(['conv2dBackpropFilter']);
    expect(r.results.find((x) => !x.pass)!.message).toMatch(/^conv2dBackpropFilter '.+' \(seed \d+\) reference\+filter-grad-flipped vs reference: output 'dfilter' worst index/);
  });

  it('skips, with the reason, the cases whose outputs may differ legitimately', () => {
    const a = createReferenceBackend();
    const r = compareBackends(a, a, { kernels: ['dropout'] });
    expect(r.results.every((x) => x.skipped)).toBe(true);
    expect(r.pass).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { getIsa } from '../src/index.js';
import { runFixture } from './child.js';

/*
 * The narrow GEMM kernel (at most 16 columns, AVX-512) keeps the blocked path
 * as its reference: one child process with it on and one with
 * BATCHWISE_GEMM_NARROW=0, each passing matMul's conformance rows (against
 * the float64 reference), and their outputs the same bits, since the narrow
 * kernel computes each element as the microkernels' sum. Two threads, so the
 * narrow kernel's row tasks run in parallel.
 */
function run(narrow: boolean) {
  const r = runFixture('gemm-path-child.mjs', [], { BATCHWISE_GEMM_NARROW: narrow ? '1' : '0', BATCHWISE_NUM_THREADS: '2' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { failures: string[]; ran: number; outputs: string[] };
}

describe('native narrow GEMM path', () => {
  it.skipIf(getIsa() !== 'avx512')('the narrow kernel and the blocked path both pass conformance and give the same bits', () => {
    const on = run(true), off = run(false);
    expect(on.failures).toEqual([]);
    expect(off.failures).toEqual([]);
    expect(on.ran).toBeGreaterThan(5);
    expect(on.ran).toBe(off.ran);
    expect(on.outputs.length).toBe(8);
    for (const [i, o] of on.outputs.entries()) expect(o, `shape ${i}`).toBe(off.outputs[i]);
  });
});

import { describe, expect, it } from 'vitest';
import { getIsa } from '../src/index.js';
import { runFixture } from './child.js';

/*
 * The proof: the whole conformance suite, and the comparison with cpu,
 * at every SIMD level this machine has (each forced in turn with
 * BATCHWISE_ISA, one child process each: the level is chosen when the addon
 * loads) and with 1 and 2 threads.
 */
const ALL = ['scalar', 'avx2', 'avx512'];
const levels = ALL.slice(0, ALL.indexOf(getIsa()) + 1);

describe('conformance at every SIMD level and thread count', () => {
  for (const level of levels) {
    for (const threads of [1, 2]) {
      it(`${level}, ${threads} thread(s): every case passes and agrees with cpu`, () => {
        const run = runFixture('conformance-child.mjs', [], { BATCHWISE_ISA: level, BATCHWISE_NUM_THREADS: String(threads) });
        expect(run.status, run.stderr).toBe(0);
        const got = JSON.parse(run.stdout);
        expect(got.isa).toBe(level);
        expect(got.threads).toBe(threads);
        expect(got.suite.ran).toBeGreaterThan(500);
        expect(got.suite.failures).toEqual([]);
        expect(got.cross.ran).toBeGreaterThan(300);
        expect(got.cross.failures).toEqual([]);
      });
    }
  }
});

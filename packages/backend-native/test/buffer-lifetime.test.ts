import { describe, expect, it } from 'vitest';
import { runFixture } from './child.js';

/*
 * What a caller does to an argument's memory while a call is in flight
 * (transfer it and let the garbage collector free it, shrink or grow a
 * resizable buffer, share it, mutate it) never makes the addon touch freed
 * memory: async calls copy their inputs and stage their outputs (src/binding/staging.h),
 * sync calls take every pointer after the last point where JavaScript can run.
 * In a child process, so that a use after free fails this test instead of
 * crashing the runner; the sanitizer build runs the same child (sanitizers.test.ts).
 */
describe('buffer lifetimes during addon calls', () => {
  it('transfer + GC, resize, length-tracking and shared views: right results or a clear error, never a crash', () => {
    const run = runFixture('buffer-lifetime-child.mjs', ['3', '2024'], {}, ['--expose-gc']);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const { checks, failures, failed } = JSON.parse(run.stdout);
    expect(failures).toEqual([]);
    expect(failed).toBe(0);
    expect(checks).toBeGreaterThan(300);
  });
});

import { describe, expect, it } from 'vitest';
import { runFixture } from './child.js';
import { SPECS, loadRawAddon, uncoveredExports } from './fixtures/entry-specs.mjs';

describe('the addon refuses broken arguments without crashing', () => {
  it('the fuzz specs cover every export of the addon, and name no export that is gone', () => {
    const addon = loadRawAddon();
    expect(uncoveredExports(addon)).toEqual([]);
    expect(SPECS.map((s) => s.name).filter((name) => typeof addon[name] !== 'function')).toEqual([]);
  });
  it('fuzz: every entry with randomly broken arguments throws, in a child that survives', () => {
    const run = runFixture('fuzz-child.mjs', ['4', '2024']);
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const { calls, failures } = JSON.parse(run.stdout);
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
  });
});

describe('memory', () => {
  it('RSS stays flat over many thousands of calls', () => {
    const run = runFixture('memory-child.mjs', ['3000'], {}, ['--expose-gc']);
    expect(run.status, run.stderr).toBe(0);
    const { calls, before, after } = JSON.parse(run.stdout);
    expect(calls).toBeGreaterThan(100_000);
    // A leak of one output per call would add > 50 MB here; allocator noise stays far below 16 MB.
    expect(after - before).toBeLessThan(16 * 1024 * 1024);
  });
});

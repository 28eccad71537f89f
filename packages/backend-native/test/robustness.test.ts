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

describe("core's WINDOW_LIMITS, re-checked by the addon", () => {
  it("a 'same' window of more than 2 x input + 1 taps is refused by a direct call too, before any work", () => {
    const addon = loadRawAddon();
    const geometry = new Array(17).fill(1);
    const want = /window must be at most \[57,57\] \(2 x input size \+ 1\) with 'same' padding on input \[1,28,28,1\], received \[30000,30000\]/;
    const x = new Float32Array(784), y = new Float32Array(784);
    expect(() => addon.maxPool(x, [1, 28, 28, 1], [30000, 30000], [1, 1], 'same', geometry, y, new Int32Array(784))).toThrow(want);
    expect(() =>
      addon.conv2dBackpropFilter(x, [1, 28, 28, 1], y, [1, 28, 28, 1], [30000, 30000, 1, 1], [1, 1], 'same', [1, 1], geometry, new Float32Array(1)),
    ).toThrow(want);
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

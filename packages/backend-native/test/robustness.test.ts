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

describe('string options, read by the addon into a small buffer (Args::OneOf)', () => {
  // maxPool on [1,4,4,1], 2x2 stride 2: padding is the string checked.
  const call = (padding: string) =>
    loadRawAddon().maxPool(new Float32Array(16), [1, 4, 4, 1], [2, 2], [2, 2], padding, new Array(17).fill(1), new Float32Array(4), new Int32Array(4));
  for (const bad of ['sam', 'same\0', 'same\0x', 'valid '.repeat(10), 's'.repeat(31), 'SAME']) {
    it(`refuses ${JSON.stringify(bad.slice(0, 12))} (${bad.length} characters) with the list of allowed values`, () => {
      expect(() => call(bad)).toThrow(/maxPool: padding must be one of 'same', 'valid', received '/);
    });
  }
});

describe("the fused filter gradient's shared request check (validation/checks.h, the wasm entry's too)", () => {
  const f32 = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.1 * (i % 7) - 0.3);
  // input [1,4,4,1], filter [3,3,1,2], 'valid': the conv output is [1,2,2,2].
  const call = (dy: Float32Array, dyShape: number[], dgamma: Float32Array, dbeta: Float32Array) =>
    loadRawAddon().conv2dBatchNormReluBackwardFilter(
      f32(16), [1, 4, 4, 1], f32(18), [3, 3, 1, 2], [1, 1], 'valid', [1, 1], [1, 4, 4, 1, 2, 2, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0],
      dy, dyShape, f32(8), f32(2), f32(2), f32(2), f32(dy.length), new Float32Array(18), dgamma, dbeta,
    );
  it('names a dy shape that is not the conv output shape (the message the wasm entry gives)', () => {
    expect(() => call(f32(12), [1, 3, 2, 2], new Float32Array(2), new Float32Array(2))).toThrow(
      new RangeError('conv2dBatchNormReluBackwardFilter: dyShape must be the output shape [1,2,2,2], received [1,3,2,2].'),
    );
  });
  it('refuses outputs that share memory', () => {
    const both = new Float32Array(2);
    expect(() => call(f32(8), [1, 2, 2, 2], both, both)).toThrow(new TypeError('conv2dBatchNormReluBackwardFilter: dgamma must not share memory with dbeta.'));
  });
  it('runs a request that passes', () => {
    const dgamma = new Float32Array(2), dbeta = new Float32Array(2);
    call(f32(8), [1, 2, 2, 2], dgamma, dbeta);
    expect(dbeta.some((v) => v !== 0)).toBe(true);
  });
});

describe('window geometry as a Float64Array (what the TypeScript wrappers pass)', () => {
  // conv2d of [1,4,4,1] with a 3x3 filter, 'valid': the 17 numbers of the addon's ConvGeom.
  const geometry = [1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0];
  const x = Float32Array.from({ length: 16 }, (_, i) => i - 7), f = Float32Array.from({ length: 9 }, (_, i) => 0.25 * i - 1);
  const conv = (g: readonly number[] | Float64Array | Float32Array) => {
    const y = new Float32Array(4);
    loadRawAddon().conv2d(x, [1, 4, 4, 1], f, [3, 3, 1, 1], [1, 1], 'valid', [1, 1], g, y);
    return y;
  };
  it('gives the bits of the array form', () => {
    expect(conv(Float64Array.from(geometry))).toEqual(conv(geometry));
  });
  it('is refused like the array form when a value is wrong, not an integer, NaN or missing', () => {
    const wrong = [...geometry];
    wrong[5] = 3;
    const message = (g: readonly number[] | Float64Array) => {
      try {
        conv(g);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(Float64Array.from(wrong))).toBe(message(wrong));
    expect(message(Float64Array.from(wrong))).toMatch(/^conv2d: /);
    for (const bad of [1.5, Number.NaN, -1]) {
      const g = Float64Array.from(geometry);
      g[2] = bad;
      expect(() => conv(g)).toThrow(/conv2d: geometry\[2\] must be an integer in \[0, 2147483647\], received/);
    }
    expect(() => conv(Float64Array.from(geometry.slice(0, 16)))).toThrow(/conv2d: geometry must have rank in \[17, 17\], received rank 16/);
    expect(() => conv(Float32Array.from(geometry))).toThrow(/conv2d: geometry must be an array of integers, received Float32Array/);
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

import { describe, expect, it } from 'vitest';
import { ShapeError, conv2dGeometry, conv2dOutputShape, poolGeometry, poolOutputShape, windowAxis } from '../src/index.js';

describe('window geometry', () => {
  it("pads 'same' like TensorFlow, the odd extra at the end (SAME_UPPER)", () => {
    // in 5, kernel 3, stride 2: out 3, total pad (3-1)*2+3-5 = 2 -> 1 before, 1 after
    expect(windowAxis(5, 3, 2, 1, 'same')).toEqual({ out: 3, padBefore: 1, padAfter: 1 });
    // in 6, kernel 3, stride 2: out 3, total pad 1 -> 0 before, 1 after
    expect(windowAxis(6, 3, 2, 1, 'same')).toEqual({ out: 3, padBefore: 0, padAfter: 1 });
    // dilation 2 makes a 3-tap kernel span 5
    expect(windowAxis(7, 3, 1, 2, 'same')).toEqual({ out: 7, padBefore: 2, padAfter: 2 });
  });

  it("computes 'valid' output sizes", () => {
    expect(windowAxis(28, 3, 1, 1, 'valid').out).toBe(26);
    expect(windowAxis(7, 3, 2, 1, 'valid').out).toBe(3);
    expect(windowAxis(7, 3, 1, 2, 'valid').out).toBe(3);
  });

  it('gives NHWC conv and pool output shapes', () => {
    const opts = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
    expect(conv2dOutputShape([32, 28, 28, 32], [3, 3, 32, 64], opts)).toEqual([32, 28, 28, 64]);
    expect(poolOutputShape([2, 28, 28, 8], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' })).toEqual([2, 14, 14, 8]);
    expect(conv2dGeometry([1, 5, 5, 1], [3, 3, 1, 1], { ...opts, strides: [2, 2] }).padTop).toBe(1);
  });

  it('refuses a window larger than a valid-padded input', () => {
    expect(() =>
      conv2dOutputShape([1, 2, 2, 1], [3, 3, 1, 1], { strides: [1, 1], padding: 'valid', dilations: [1, 1] }),
    ).toThrow(ShapeError);
  });
});

describe('conv geometry reuse', () => {
  const o = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;

  it('gives the same answer as a fresh computation whatever changes between calls', () => {
    const x = Object.freeze([1, 8, 8, 3]);
    const f = Object.freeze([3, 3, 3, 4]);
    const fresh = (xs: readonly number[], fs: readonly number[], opts: typeof o | { strides: [number, number]; padding: 'same' | 'valid'; dilations: [number, number] }) =>
      conv2dGeometry([...xs], [...fs], opts);
    const variants = [
      o,
      { ...o, strides: [2, 2] as [number, number] },
      { ...o, strides: [1, 2] as [number, number] },
      { ...o, dilations: [2, 1] as [number, number] },
      { ...o, padding: 'valid' as const },
    ];
    for (const v of variants) {
      // Twice each: the second call may be served from the last result.
      expect(conv2dGeometry(x, f, v)).toEqual(fresh(x, f, v));
      expect(conv2dGeometry(x, f, v)).toEqual(fresh(x, f, v));
    }
    const other = Object.freeze([2, 8, 8, 3]);
    conv2dGeometry(x, f, o);
    expect(conv2dGeometry(other, f, o).batch).toBe(2);
  });

  it('answers for the values an unfrozen shape holds now, after it changed in place', () => {
    const x = [1, 8, 8, 3];
    const f = [3, 3, 3, 4];
    expect(conv2dGeometry(x, f, o).outHeight).toBe(8);
    x[1] = 16;
    expect(conv2dGeometry(x, f, o).outHeight).toBe(16);
  });

  it('still throws for a window that does not fit, after a valid call on other shapes', () => {
    conv2dGeometry(Object.freeze([1, 8, 8, 3]), Object.freeze([3, 3, 3, 4]), { ...o, padding: 'valid' });
    expect(() => conv2dGeometry(Object.freeze([1, 2, 2, 3]), Object.freeze([3, 3, 3, 4]), { ...o, padding: 'valid' })).toThrow(ShapeError);
  });
});

describe('pool geometry reuse (the same cache as conv)', () => {
  const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
  const conv = { strides: [2, 2], padding: 'valid', dilations: [1, 1] } as const;

  it('serves a repeated call from the cache, frozen, and equal to a fresh computation', () => {
    const x = Object.freeze([2, 8, 8, 3]);
    const first = poolGeometry(x, pool);
    expect(Object.isFrozen(first)).toBe(true);
    expect(poolGeometry(x, pool, 'maxPoolInference')).toBe(first);
    expect(first).toEqual(poolGeometry([...x], pool));
    expect(poolGeometry(x, { ...pool, strides: [1, 1] }).outHeight).toBe(7);
  });

  it('keeps a conv and a pool over the same input and window apart', () => {
    const x = Object.freeze([2, 8, 8, 3]);
    const p = poolGeometry(x, pool);
    const c = conv2dGeometry(x, Object.freeze([2, 2, 3, 5]), conv);
    expect(c.outChannels).toBe(5);
    expect('outChannels' in p).toBe(false);
    expect(poolGeometry(x, pool)).toBe(p);
    expect(conv2dGeometry(x, Object.freeze([2, 2, 3, 5]), conv)).toBe(c);
    // The filter's channels are part of the key, and its size is checked on every call.
    expect(conv2dGeometry(x, Object.freeze([2, 2, 3, 6]), conv).outChannels).toBe(6);
    expect(() => conv2dGeometry(x, [2, 2, 3, 2 ** 30], conv)).toThrow(ShapeError);
  });

  it('answers for the values an unfrozen shape holds now', () => {
    const x = [1, 8, 8, 3];
    expect(poolGeometry(x, pool).outHeight).toBe(4);
    x[1] = 16;
    expect(poolGeometry(x, pool).outHeight).toBe(8);
    x[1] = 8;
    expect(poolGeometry(x, pool).outHeight).toBe(4);
  });

  it('reuses by value: a new array with the same numbers (a conv output shape) gets the cached geometry', () => {
    const first = poolGeometry([3, 10, 10, 4], pool);
    expect(poolGeometry([3, 10, 10, 4], pool)).toBe(first);
    expect(poolGeometry([3, 10, 12, 4], pool)).not.toBe(first);
  });

  it('keeps a geometry asked for again and again while one-off shapes pass through (the least recently used goes)', () => {
    // A prediction over many batches: each batch's own input shape once, a layer's recurring output shape every batch.
    const recurring = Object.freeze([1, 8, 8, 3]);
    const first = poolGeometry(recurring, pool);
    for (let b = 2; b < 12; b++) {
      poolGeometry(Object.freeze([b, 8, 8, 3]), pool);
      conv2dGeometry(Object.freeze([b, 8, 8, 3]), Object.freeze([2, 2, 3, 5]), conv);
      expect(poolGeometry(recurring, pool), `after ${b - 1} batches`).toBe(first);
    }
  });

  it('holds a few geometries only', () => {
    const x = Object.freeze([1, 8, 8, 3]);
    const first = poolGeometry(x, pool);
    for (let b = 2; b < 12; b++) poolGeometry(Object.freeze([b, 8, 8, 3]), pool);
    const again = poolGeometry(x, pool);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

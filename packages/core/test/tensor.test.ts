import { describe, expect, it } from 'vitest';
import { ShapeError, InvalidArgumentError, Tensor, fill, ones, randomNormal, randomUniform, tensor, zeros } from '../src/index.js';

describe('Tensor', () => {
  it('holds float32 row-major data with a frozen shape', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.rank).toBe(2);
    expect(t.size).toBe(6);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      new ShapeError('Tensor: data must have 6 elements for shape [2,3], received 5.'),
    );
  });

  it('rejects non-integer and negative dimensions', () => {
    expect(() => new Tensor(new Float32Array(0), [2.5, 0])).toThrow(ShapeError);
    expect(() => new Tensor(new Float32Array(0), [-1])).toThrow(/non-negative integers/);
  });

  it('takes any iterable of dimensions as its shape (checked and sized the same), stored as a frozen array', () => {
    const t = new Tensor(new Float32Array(6), Int32Array.from([2, 3]) as unknown as number[]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.isArray(t.shape) && Object.isFrozen(t.shape)).toBe(true);
    expect(t.size).toBe(6);
    expect(() => new Tensor(new Float32Array(6), Int32Array.from([6, -1]) as unknown as number[])).toThrow(ShapeError);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => new Tensor(new Float32Array(0), [, 2] as unknown as number[])).toThrow(ShapeError);
    // A one-shot iterable is read once; a wrong size names the shape in the usual form.
    const once = (function* () { yield 2; yield 3; })();
    expect(new Tensor(new Float32Array(6), once as unknown as number[]).shape).toEqual([2, 3]);
    expect(() => new Tensor(new Float32Array(5), new Set([2, 3]) as unknown as number[])).toThrow(
      'Tensor: data must have 6 elements for shape [2,3], received 5.',
    );
  });

  it('rejects data that is not a Float32Array', () => {
    expect(() => new Tensor([1, 2] as unknown as Float32Array, [2])).toThrow(InvalidArgumentError);
  });

  it('reshapes without copying, inferring one -1 dimension', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [6]);
    const r = t.reshape([2, -1]);
    expect(r.shape).toEqual([2, 3]);
    expect(r.data).toBe(t.data);
    expect(() => t.reshape([4, 2])).toThrow('reshape: cannot reshape [6] (6 elements) to [4,2].');
  });

  it('clone copies the data', () => {
    const t = tensor([1, 2], [2]);
    const c = t.clone();
    c.data[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  it('creates zeros, ones and filled tensors', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(fill([2], 7).data)).toEqual([7, 7]);
    expect(zeros([]).size).toBe(1);
  });

  it('reproduces random tensors from the seed', () => {
    const a = randomNormal([1000], { seed: 42 });
    const b = randomNormal([1000], { seed: 42 });
    const c = randomNormal([1000], { seed: 43 });
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    const mean = a.data.reduce((s, v) => s + v, 0) / a.size;
    const variance = a.data.reduce((s, v) => s + (v - mean) ** 2, 0) / a.size;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
  });

  it('draws uniform values inside [minval, maxval)', () => {
    const u = randomUniform([5000], { minval: -2, maxval: 3, seed: 1 });
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.data)).toBeLessThan(3);
  });
});

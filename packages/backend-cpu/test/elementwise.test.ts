import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import * as ew from '../src/kernels/elementwise.js';
import { randomTensor } from './support.js';

describe('elementwise', () => {
  const a = randomTensor([3, 5], 1, -2, 2);
  const b = randomTensor([3, 5], 2, 0.5, 2);
  const f = (v: number[]) => v.map(Math.fround);
  const A = [...a.data];
  const B = [...b.data];

  it('binary ops keep the shape and match scalar math', () => {
    expect(ew.add(a, b).shape).toEqual([3, 5]);
    expect([...ew.add(a, b).data]).toEqual(f(A.map((v, i) => v + B[i])));
    expect([...ew.sub(a, b).data]).toEqual(f(A.map((v, i) => v - B[i])));
    expect([...ew.mul(a, b).data]).toEqual(f(A.map((v, i) => v * B[i])));
    expect([...ew.div(a, b).data]).toEqual(f(A.map((v, i) => v / B[i])));
    expect([...ew.maximum(a, b).data]).toEqual(A.map((v, i) => Math.max(v, B[i])));
    expect([...ew.minimum(a, b).data]).toEqual(A.map((v, i) => Math.min(v, B[i])));
  });

  it('scalar and unary ops', () => {
    expect([...ew.addScalar(a, 1.5).data]).toEqual(f(A.map((v) => v + 1.5)));
    expect([...ew.mulScalar(a, -3).data]).toEqual(f(A.map((v) => v * -3)));
    expect([...ew.neg(a).data]).toEqual(A.map((v) => -v));
    expect([...ew.abs(a).data]).toEqual(A.map(Math.abs));
    expect([...ew.exp(a).data]).toEqual(f(A.map(Math.exp)));
    expect([...ew.log(b).data]).toEqual(f(B.map(Math.log)));
    expect([...ew.sqrt(b).data]).toEqual(f(B.map(Math.sqrt)));
    expect([...ew.square(a).data]).toEqual(f(A.map((v) => v * v)));
  });

  it('clip bounds both sides and keeps NaN', () => {
    const y = ew.clip(tensor([-3, -1, 0, 2, 5, NaN]), -1, 2);
    expect([...y.data]).toEqual([-1, -1, 0, 2, 2, NaN]);
  });

  it('edge values: log 0, sqrt of negative, division by zero, empty tensors', () => {
    expect([...ew.log(tensor([0])).data]).toEqual([-Infinity]);
    expect(Number.isNaN(ew.sqrt(tensor([-1])).data[0])).toBe(true);
    expect([...ew.div(tensor([1, -1]), tensor([0, 0])).data]).toEqual([Infinity, -Infinity]);
    expect(ew.add(tensor([], [0, 3]), tensor([], [0, 3])).shape).toEqual([0, 3]);
  });

  it('does not mutate inputs', () => {
    const copy = a.data.slice();
    ew.square(a);
    ew.add(a, b);
    expect(a.data).toEqual(copy);
  });
});

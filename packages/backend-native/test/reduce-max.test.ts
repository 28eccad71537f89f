import { tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { cpu, native } from './helpers.js';

/*
 * max over every axis takes a lane-parallel path for finite inputs and the
 * sequential scan for the rest: both must give cpu's bits, including which
 * zero (+0 or -0) a zero maximum is and that a NaN anywhere wins.
 */

function maxBits(values: Float32Array): [number, number] {
  const x = tensor(values, [values.length]);
  const n = native.max(x).data[0], c = cpu.max(x).data[0];
  return [n, c];
}

function filled(n: number, seed: number, f: (i: number, r: number) => number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, (_, i) => f(i, next()));
}

describe('max over every axis equals cpu bit for bit', () => {
  const sizes = [1, 15, 16, 17, 33, 1000, 40_000, 100_003];
  const kinds: [string, (i: number, r: number, n: number) => number][] = [
    ['random', (_, r) => r * 2 - 1],
    ['all negative', (_, r) => -1 - r],
    ['+0 and -0 only', (_, r) => (r < 0.5 ? -0 : 0)],
    ['negatives then a -0 before a +0', (i, _, n) => (i === n - 1 ? 0 : i === n >> 1 ? -0 : -1)],
    // Index 17 is in a later lane than index 32 of 16 lanes: lane order alone would pick +0.
    ['a -0 at index 17 before a +0 at index 32', (i) => (i === 17 ? -0 : i === 32 ? 0 : -1)],
    ['a NaN at the end', (i, r, n) => (i === n - 1 ? NaN : r)],
    ['a NaN at the start', (i, r) => (i === 0 ? NaN : r)],
    ['+Infinity in the middle', (i, r, n) => (i === n >> 1 ? Infinity : r)],
    ['all -Infinity', () => -Infinity],
    ['huge finite values', (_, r) => (r - 0.5) * 6e38],
  ];
  for (const n of sizes) {
    for (const [name, f] of kinds) {
      it(`${name}, ${n} values`, () => {
        const [got, want] = maxBits(filled(n, n, (i, r) => f(i, r, n)));
        expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `native ${got}, cpu ${want}`).toBe(true);
      });
    }
  }
});

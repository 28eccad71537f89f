import { Random } from '@batchwise/core';
import { refAxis } from '../references/index.js';
import type { BatchNormCase } from './batch-norm.js';
import type { ConvGeometryCase } from './conv.js';
import type { MatMulCase, TransposeCase } from './linear.js';
import type { PoolCase } from './pooling.js';
import type { ReduceCase } from './reduce.js';

/*
 * Randomized shapes on top of the named edge cases: each seed draws a
 * geometry (sizes, strides, dilations, padding), so the tables also cover
 * combinations nobody thought to write down. The draw depends on the seed
 * alone, and the case name spells the geometry out, so a failure can be
 * reproduced from the report.
 */

/** How many random geometries each kernel family gets. */
export const RANDOM_CASES_PER_FAMILY = 8;

const seeds = (base: number) => Array.from({ length: RANDOM_CASES_PER_FAMILY }, (_, i) => base + i);
const between = (rng: Random, low: number, high: number) => low + rng.int(high - low + 1);
const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];
const fmt = (v: readonly number[]) => `[${v.join(',')}]`;

export function randomConvCases(): ConvGeometryCase[] {
  return seeds(1101).map((seed) => {
    const rng = new Random(seed);
    for (;;) {
      const input: [number, number, number, number] = [between(rng, 1, 3), between(rng, 1, 11), between(rng, 1, 11), between(rng, 1, 5)];
      const filter: [number, number, number, number] = [between(rng, 1, 5), between(rng, 1, 5), input[3], between(rng, 1, 5)];
      const strides: [number, number] = [between(rng, 1, 3), between(rng, 1, 3)];
      const dilations: [number, number] = [between(rng, 1, 2), between(rng, 1, 2)];
      const padding = pick(rng, ['same', 'valid'] as const);
      const h = refAxis(input[1], filter[0], strides[0], dilations[0], padding);
      const w = refAxis(input[2], filter[1], strides[1], dilations[1], padding);
      if (h.out < 1 || w.out < 1) continue;
      const name = `random x${fmt(input)} f${fmt(filter)} s${fmt(strides)} d${fmt(dilations)} ${padding}`;
      return { name, seed, input, filter, strides, dilations, padding };
    }
  });
}

export function randomPoolCases(): PoolCase[] {
  return seeds(1201).map((seed) => {
    const rng = new Random(seed);
    for (;;) {
      const input: [number, number, number, number] = [between(rng, 1, 3), between(rng, 1, 12), between(rng, 1, 12), between(rng, 1, 4)];
      const poolSize: [number, number] = [between(rng, 1, 4), between(rng, 1, 4)];
      const strides: [number, number] = [between(rng, 1, 3), between(rng, 1, 3)];
      const padding = pick(rng, ['same', 'valid'] as const);
      if (refAxis(input[1], poolSize[0], strides[0], 1, padding).out < 1 || refAxis(input[2], poolSize[1], strides[1], 1, padding).out < 1) continue;
      return { name: `random x${fmt(input)} pool${fmt(poolSize)} s${fmt(strides)} ${padding}`, seed, input, poolSize, strides, padding };
    }
  });
}

export function randomBatchNormCases(): BatchNormCase[] {
  return seeds(1301).map((seed) => {
    const rng = new Random(seed);
    const rank = between(rng, 2, 5);
    const shape = Array.from({ length: rank }, (_, i) => (i === rank - 1 ? between(rng, 1, 9) : between(rng, 1, 7)));
    const epsilon = pick(rng, [1e-3, 1e-5, 0.1]);
    return { name: `random ${fmt(shape)} eps ${epsilon}`, seed, shape, epsilon };
  });
}

export function randomMatMulCases(): MatMulCase[] {
  return seeds(1401).map((seed) => {
    const rng = new Random(seed);
    const [m, k, n] = [between(rng, 1, 40), between(rng, 1, 70), between(rng, 1, 40)];
    const transposeA = rng.next() < 0.5;
    const transposeB = rng.next() < 0.5;
    return { name: `random ${m}x${k}x${n}${transposeA ? ' tA' : ''}${transposeB ? ' tB' : ''}`, seed, m, k, n, transposeA, transposeB };
  });
}

export function randomTransposeCases(): TransposeCase[] {
  return seeds(1501).map((seed) => {
    const rng = new Random(seed);
    const rank = between(rng, 1, 5);
    const shape = Array.from({ length: rank }, () => between(rng, 1, 5));
    const perm = shape.map((_, i) => i);
    rng.shuffle(perm);
    return { name: `random ${fmt(shape)} perm ${fmt(perm)}`, seed, shape, perm };
  });
}

export function randomReduceCases(): ReduceCase[] {
  return seeds(1601).map((seed) => {
    const rng = new Random(seed);
    const rank = between(rng, 1, 4);
    const shape = Array.from({ length: rank }, () => between(rng, 1, 6));
    const axes = shape.map((_, i) => i).filter(() => rng.next() < 0.5).map((a) => (rng.next() < 0.5 ? a - rank : a));
    const keepDims = rng.next() < 0.5;
    return { name: `random ${fmt(shape)} axes ${fmt(axes)}${keepDims ? ' keepDims' : ''}`, seed, shape, options: { axes, keepDims } };
  });
}

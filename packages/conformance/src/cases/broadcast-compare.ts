import type { Random, Tensor } from '@batchwise/core';
import { awayFromZero, fromValues, normal } from '../inputs.js';
import { fromTensor, refBroadcastBinary, refEqual, refGreater, type BroadcastOpName } from '../references/index.js';
import { EXACT } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import type { ConformanceCase } from './types.js';

/*
 * broadcastBinary, equal and greater. Every result is one correctly rounded
 * float32 operation (or an exact 0/1), so no slack: the layers rely on these
 * giving the same bits on every backend.
 */

const OPS: BroadcastOpName[] = ['add', 'sub', 'mul', 'div'];

/** [case name, seed, x shape, axis]: last, first, middle and negative axes, a vector, an empty x and a large one (SIMD tails). */
const BROADCAST_SHAPES: Array<[string, number, number[], number]> = [
  ['last axis [4,5,3]', 1101, [4, 5, 3], -1],
  ['rows: axis 0 of [6,4]', 1102, [6, 4], 0],
  ['middle axis 1 of [2,3,4,5]', 1103, [2, 3, 4, 5], 1],
  ['negative axis -2 of [3,7,2]', 1104, [3, 7, 2], -2],
  ['vector x [7], axis 0 (elementwise)', 1105, [7], 0],
  ['empty x [0,3]', 1106, [0, 3], -1],
  ['last axis of one [1,1,1,1]', 1107, [1, 1, 1, 1], 3],
  ['large [16,28,28,17], odd channels', 1108, [16, 28, 28, 17], -1],
  ['large rows: axis 0 of [1000,33]', 1109, [1000, 33], 0],
];

function broadcastCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const op of OPS) {
    for (const [name, seed, shape, axis] of BROADCAST_SHAPES) {
      const n = shape[axis < 0 ? shape.length + axis : axis];
      out.push(
        comparisonCase({
          kernel: 'broadcastBinary', name: `${op}: ${name}`, seed, tolerance: EXACT,
          make: (rng) => ({ x: normal(rng, shape, 0, 3), v: op === 'div' ? awayFromZero(rng, [n], 0.25, 4) : normal(rng, [n]) }),
          run: (b, i) => ({ y: b.broadcastBinary(i.x, i.v, { op, axis }) }),
          reference: (i) => ({ y: refBroadcastBinary(op, fromTensor(i.x), fromTensor(i.v), axis) }),
        }),
      );
    }
  }
  return out;
}

interface Pair {
  a: Tensor;
  b: Tensor;
}

const COMPARISON_INPUTS: Array<[string, number, (rng: Random) => Pair]> = [
  ['rank 3 [3,4,5]', 1111, (r) => ({ a: normal(r, [3, 4, 5]), b: normal(r, [3, 4, 5]) })],
  ['ties in half the places', 1112, (r) => {
    const a = normal(r, [6, 7]);
    const b = normal(r, [6, 7]);
    for (let i = 0; i < a.size; i += 2) b.data[i] = a.data[i];
    return { a, b };
  }],
  // 0 == -0; NaN equals nothing, itself included, and is never greater; infinities compare as numbers.
  ['special values', 1113, () => ({
    a: fromValues([0, -0, NaN, NaN, 1, Infinity, -Infinity, Infinity, 1e-45, 3]),
    b: fromValues([-0, 0, NaN, 1, NaN, Infinity, Infinity, 1e38, 0, 3]),
  })],
  ['scalar shape []', 1114, (r) => ({ a: normal(r, []), b: normal(r, []) })],
  ['empty [0,4]', 1115, (r) => ({ a: normal(r, [0, 4]), b: normal(r, [0, 4]) })],
  ['argmax rows of [64] class indices', 1116, (r) => {
    const pick = () => fromValues(Array.from({ length: 64 }, () => r.int(10)));
    return { a: pick(), b: pick() };
  }],
  ['large [32,28,28,16] with ties', 1117, (r) => {
    const a = normal(r, [32, 28, 28, 16]);
    const b = normal(r, [32, 28, 28, 16]);
    for (let i = 0; i < a.size; i += 3) b.data[i] = a.data[i];
    return { a, b };
  }],
];

function comparisonCases(): ConformanceCase[] {
  return (['equal', 'greater'] as const).flatMap((kernel) =>
    COMPARISON_INPUTS.map(([name, seed, make]) =>
      comparisonCase({
        kernel, name, seed, make, tolerance: EXACT,
        run: (b, i) => ({ y: b[kernel](i.a, i.b) }),
        reference: (i) => ({ y: (kernel === 'equal' ? refEqual : refGreater)(fromTensor(i.a), fromTensor(i.b)) }),
      }),
    ),
  );
}

export function broadcastCompareCases(): ConformanceCase[] {
  return [...broadcastCases(), ...comparisonCases()];
}

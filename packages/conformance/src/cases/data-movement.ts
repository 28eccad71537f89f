import { Tensor, type Random } from '@batchwise/core';
import { constant, fromValues, normal } from '../inputs.js';
import { fromTensor, refAxpby, refConcat, refGather, refOneHot } from '../references/index.js';
import { EXACT } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import type { ConformanceCase } from './types.js';

/*
 * gather, concat and oneHot (exact copies), and the in-place layer-state
 * writes assign and axpby. axpby is specified as float64 arithmetic rounded
 * once, so it too is held exactly.
 */

/** A random permutation of 0..n-1 followed by some repeats, as a shuffled batch with duplicates. */
function shuffled(rng: Random, n: number, extra: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  return Int32Array.from([...order, ...Array.from({ length: extra }, () => rng.int(n))]);
}

const GATHER: Array<[string, number, (rng: Random) => { x: Tensor; indices: Int32Array }, number]> = [
  ['rows of [10,3], shuffled with repeats', 1201, (r) => ({ x: normal(r, [10, 3]), indices: shuffled(r, 10, 4) }), 0],
  ['rows of an image batch [6,4,4,2]', 1202, (r) => ({ x: normal(r, [6, 4, 4, 2]), indices: Int32Array.of(5, 0, 3) }), 0],
  ['axis 1 of [2,5,3] (a split piece)', 1203, (r) => ({ x: normal(r, [2, 5, 3]), indices: Int32Array.of(1, 2, 3) }), 1],
  ['last axis -1 of [3,4]', 1204, (r) => ({ x: normal(r, [3, 4]), indices: Int32Array.of(3, 3, 0) }), -1],
  ['no indices', 1205, (r) => ({ x: normal(r, [4, 2]), indices: new Int32Array(0) }), 0],
  ['vector [9]', 1206, (r) => ({ x: normal(r, [9]), indices: Int32Array.of(8, 0, 4, 4) }), 0],
  ['rows with an empty trailing axis [5,0]', 1207, (r) => ({ x: normal(r, [5, 0]), indices: Int32Array.of(4, 1) }), 0],
  ['batch of 64 rows of [300,784]', 1208, (r) => ({ x: normal(r, [300, 784]), indices: shuffled(r, 300, 0).subarray(0, 64) }), 0],
];

function gatherCases(): ConformanceCase[] {
  return GATHER.map(([name, seed, make, axis]) =>
    comparisonCase({
      kernel: 'gather', name, seed, make, tolerance: EXACT,
      run: (b, i) => ({ y: b.gather(i.x, i.indices, { axis }) }),
      reference: (i) => ({ y: refGather(fromTensor(i.x), i.indices, axis) }),
    }),
  );
}

const CONCAT: Array<[string, number, number[][], number]> = [
  ['rows: three batches [4,3],[2,3],[5,3]', 1211, [[4, 3], [2, 3], [5, 3]], 0],
  ['last axis of [2,3,1] and [2,3,4]', 1212, [[2, 3, 1], [2, 3, 4]], -1],
  ['middle axis 1 of [2,1,3] and [2,4,3]', 1213, [[2, 1, 3], [2, 4, 3]], 1],
  ['one part', 1214, [[3, 2]], 0],
  ['a part empty along the axis', 1215, [[2, 0], [2, 3], [2, 0]], 1],
  ['vectors [3] and [5]', 1216, [[3], [5]], 0],
  ['predict batches of [32,10] x 8 and [7,10]', 1217, [...Array.from({ length: 8 }, () => [32, 10]), [7, 10]], 0],
];

function concatCases(): ConformanceCase[] {
  return CONCAT.map(([name, seed, shapes, axis]) =>
    comparisonCase({
      kernel: 'concat', name, seed, tolerance: EXACT,
      make: (rng) => Object.fromEntries(shapes.map((s, k) => [`part${k}`, normal(rng, s)])) as Record<string, Tensor>,
      run: (b, i) => ({ y: b.concat(Object.values(i), { axis }) }),
      reference: (i) => ({ y: refConcat(Object.values(i).map(fromTensor), axis) }),
    }),
  );
}

const ONE_HOT: Array<[string, number, (rng: Random) => Tensor, number]> = [
  ['labels [8], 4 classes', 1221, (r) => fromValues(Array.from({ length: 8 }, () => r.int(4))), 4],
  ['labels [2,3], 10 classes', 1222, (r) => fromValues(Array.from({ length: 6 }, () => r.int(10)), [2, 3]), 10],
  ['labels [5,1] (Keras sparse labels), 2 classes', 1223, () => fromValues([0, 1, 1, 0, 1], [5, 1]), 2],
  ['no labels [0], 3 classes', 1224, () => fromValues([]), 3],
  ['one class', 1225, () => fromValues([0, 0, 0]), 1],
  ['a scalar label', 1226, () => fromValues([2], []), 3],
];

function oneHotCases(): ConformanceCase[] {
  return ONE_HOT.map(([name, seed, make, depth]) =>
    comparisonCase({
      kernel: 'oneHot', name, seed, tolerance: EXACT,
      make: (rng) => ({ indices: make(rng) }),
      run: (b, i) => ({ y: b.oneHot(i.indices, { depth }) }),
      reference: (i) => ({ y: refOneHot(fromTensor(i.indices), depth) }),
    }),
  );
}

function assignCases(): ConformanceCase[] {
  const cases: Array<[string, number, number[]]> = [
    ['[3,4]', 1231, [3, 4]], ['scalar []', 1232, []], ['empty [0,5]', 1233, [0, 5]], ['large [784,100]', 1234, [784, 100]],
  ];
  return cases.map(([name, seed, shape]) =>
    comparisonCase({
      kernel: 'assign', name: `${name} over NaN`, seed, tolerance: EXACT,
      make: (rng) => ({ source: normal(rng, shape) }),
      run: (b, i) => {
        // The write is in place: the target is made here, so the case inputs stay as drawn.
        const target = constant(shape, NaN);
        b.assign(target, i.source);
        return { target };
      },
      reference: (i) => ({ target: fromTensor(i.source) }),
    }),
  );
}

function axpbyCases(): ConformanceCase[] {
  const cases: Array<[string, number, number[], number, number]> = [
    ['moving average, momentum 0.99', 1241, [16], 0.010000000000000009, 0.99],
    ['moving average, momentum 0.5 on [3,8]', 1242, [3, 8], 0.5, 0.5],
    ['axpy: beta 1, alpha -0.1', 1243, [5, 5], -0.1, 1],
    ['beta 0: y overwritten by 2x', 1244, [7], 2, 0],
    ['alpha 0: y scaled by -3', 1245, [7], 0, -3],
    ['large [784,100]', 1246, [784, 100], 0.3, 0.7],
  ];
  return cases.map(([name, seed, shape, alpha, beta]) =>
    comparisonCase({
      kernel: 'axpby', name, seed, tolerance: EXACT,
      make: (rng) => ({ y: normal(rng, shape, 1, 2), x: normal(rng, shape) }),
      run: (b, i) => {
        const y = i.y.clone();
        b.axpby(y, i.x, { alpha, beta });
        return { y };
      },
      reference: (i) => ({ y: refAxpby(fromTensor(i.y), fromTensor(i.x), alpha, beta) }),
    }),
  );
}

export function dataMovementCases(): ConformanceCase[] {
  return [...gatherCases(), ...concatCases(), ...oneHotCases(), ...assignCases(), ...axpbyCases()];
}

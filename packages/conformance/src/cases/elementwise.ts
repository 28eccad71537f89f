import type { Backend, Random, Tensor } from '@batchwise/core';
import { awayFromZero, fromValues, normal, uniform } from '../inputs.js';
import {
  fromTensor, refAddScalar, refBinary, refClip, refMulScalar, refUnary, type BinaryName, type UnaryName,
} from '../references/index.js';
import { ELEMENTWISE, EXACT } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import type { ConformanceCase } from './types.js';

const BINARY: BinaryName[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
const UNARY: UnaryName[] = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square'];

/** Exact operations: a correctly rounded float32 result has no slack to give. */
const EXACT_OPS = new Set<string>(['maximum', 'minimum', 'neg', 'abs']);

interface Pair {
  a: Tensor;
  b: Tensor;
}

function binaryInputs(name: BinaryName): Array<[string, number, (rng: Random) => Pair]> {
  const b = (rng: Random, shape: number[]) => (name === 'div' ? awayFromZero(rng, shape, 0.25, 4) : normal(rng, shape));
  return [
    ['rank 3 [3,4,5]', 601, (rng) => ({ a: normal(rng, [3, 4, 5]), b: b(rng, [3, 4, 5]) })],
    ['scalar shape []', 602, (rng) => ({ a: normal(rng, []), b: b(rng, []) })],
    ['empty [0,4]', 603, (rng) => ({ a: normal(rng, [0, 4]), b: b(rng, [0, 4]) })],
    ['ties: a equals b in half the places', 604, (rng) => {
      const a = normal(rng, [6, 7]);
      const bb = b(rng, [6, 7]);
      for (let i = 0; i < a.size; i += 2) bb.data[i] = name === 'div' && a.data[i] === 0 ? 1 : a.data[i];
      return { a, b: bb };
    }],
    ['large [32,28,28,16]', 605, (rng) => ({ a: normal(rng, [32, 28, 28, 16]), b: b(rng, [32, 28, 28, 16]) })],
  ];
}

function unaryInputs(name: UnaryName): Array<[string, number, (rng: Random) => Tensor]> {
  const positive = name === 'log' || name === 'sqrt';
  const draw = (rng: Random, shape: number[]) =>
    positive ? uniform(rng, shape, 1e-3, 10) : name === 'exp' ? uniform(rng, shape, -10, 10) : normal(rng, shape, 0, 3);
  // exp overflows to Infinity and underflows to 0 in float32; log(0) is -Infinity; sqrt(0) and abs(-0) are 0.
  const special: Record<UnaryName, number[]> = {
    neg: [0, -0, 1e30, -1e-30, Infinity, -Infinity],
    abs: [0, -0, -1e30, 1e-30, Infinity, -Infinity],
    exp: [0, 100, -200, 88, -87, Infinity, -Infinity],
    log: [0, 1, 1e-30, 1e30, Infinity],
    sqrt: [0, 1, 1e-30, 1e30, Infinity],
    square: [0, -0, 1e20, -1e-20, 1e-30, Infinity, -Infinity],
  };
  return [
    ['rank 3 [3,4,5]', 611, (rng) => draw(rng, [3, 4, 5])],
    ['special values', 612, () => fromValues(special[name])],
    ['large [32,28,28,16]', 613, (rng) => draw(rng, [32, 28, 28, 16])],
  ];
}

export function elementwiseCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const name of BINARY) {
    for (const [caseName, seed, make] of binaryInputs(name)) {
      out.push(
        comparisonCase({
          kernel: name, name: caseName, seed, make,
          tolerance: EXACT_OPS.has(name) ? EXACT : ELEMENTWISE,
          run: (b, i) => ({ y: (b[name] as Backend['add']).call(b, i.a, i.b) }),
          reference: (i) => ({ y: refBinary(name, fromTensor(i.a), fromTensor(i.b)) }),
        }),
      );
    }
  }
  for (const name of UNARY) {
    for (const [caseName, seed, make] of unaryInputs(name)) {
      out.push(
        comparisonCase({
          kernel: name, name: caseName, seed,
          make: (rng) => ({ x: make(rng) }),
          tolerance: EXACT_OPS.has(name) ? EXACT : ELEMENTWISE,
          run: (b, i) => ({ y: (b[name] as Backend['neg']).call(b, i.x) }),
          reference: (i) => ({ y: refUnary(name, fromTensor(i.x)) }),
        }),
      );
    }
  }
  const scalars: Array<[string, number, number]> = [['positive scalar', 621, 2.5], ['negative scalar', 622, -0.75], ['zero', 623, 0]];
  for (const [caseName, seed, s] of scalars) {
    out.push(
      comparisonCase({
        kernel: 'addScalar', name: caseName, seed,
        make: (rng) => ({ x: normal(rng, [4, 5, 3]) }),
        tolerance: ELEMENTWISE,
        run: (b, i) => ({ y: b.addScalar(i.x, s) }),
        reference: (i) => ({ y: refAddScalar(fromTensor(i.x), s) }),
      }),
      comparisonCase({
        kernel: 'mulScalar', name: caseName, seed,
        make: (rng) => ({ x: normal(rng, [4, 5, 3]) }),
        tolerance: ELEMENTWISE,
        run: (b, i) => ({ y: b.mulScalar(i.x, s) }),
        reference: (i) => ({ y: refMulScalar(fromTensor(i.x), s) }),
      }),
    );
  }
  const clips: Array<[string, number, number, number]> = [
    ['[-1, 1]', 631, -1, 1], ['[0, 6] (relu6)', 632, 0, 6], ['min equals max', 633, 0.5, 0.5],
  ];
  for (const [caseName, seed, lo, hi] of clips) {
    out.push(
      comparisonCase({
        kernel: 'clip', name: caseName, seed,
        make: (rng) => ({ x: normal(rng, [5, 6], 0, 3) }),
        tolerance: EXACT,
        run: (b, i) => ({ y: b.clip(i.x, lo, hi) }),
        reference: (i) => ({ y: refClip(fromTensor(i.x), lo, hi) }),
      }),
    );
  }
  return out;
}

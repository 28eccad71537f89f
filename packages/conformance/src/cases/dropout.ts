import { Random, type Backend, type DropoutResult } from '@batchwise/core';
import { normal, uniform } from '../inputs.js';
import { fromTensor, refDropoutApply, refDropoutKeep } from '../references/index.js';
import { ELEMENTWISE } from '../tolerance.js';
import { caseLabel, comparisonCase } from './comparison.js';
import type { CaseOutcome, ConformanceCase } from './types.js';

/*
 * The mask is part of the Backend contract (core's dropout-mask.ts), so every
 * unit is checked against the reference mask, and what inverted dropout must
 * satisfy besides: mask values in {0, 1/(1-rate)}, y = x * mask, the dropped
 * fraction near `rate`, and the same seed giving the same mask.
 */

interface DropoutCase {
  name: string;
  seed: number;
  shape: number[];
  rate: number;
}

export const DROPOUT_CASES: DropoutCase[] = [
  { name: 'rate 0 keeps everything', seed: 901, shape: [8, 16], rate: 0 },
  { name: 'rate 0.5 [100,100]', seed: 902, shape: [100, 100], rate: 0.5 },
  { name: 'rate 0.1 rank 4 [4,10,10,25]', seed: 903, shape: [4, 10, 10, 25], rate: 0.1 },
  { name: 'rate 0.9 [100,100]', seed: 904, shape: [100, 100], rate: 0.9 },
  { name: 'negative seed, rate 0.3', seed: -77, shape: [33, 7], rate: 0.3 },
  { name: 'seed above 2^32, rate 0.5', seed: 2 ** 40 + 5, shape: [50, 20], rate: 0.5 },
];

/** Binomial standard deviations allowed for the dropped fraction: 6 sigma fails a correct backend about once in 5e8 runs. */
export const DROPOUT_SIGMAS = 6;

function checkDropout(backend: Backend, c: DropoutCase): CaseOutcome {
  const label = caseLabel('dropout', c.name, c.seed);
  const x = normal(new Random(c.seed), c.shape);
  const xCopy = x.data.slice();
  let r: DropoutResult;
  let again: DropoutResult;
  try {
    r = backend.dropout(x, { rate: c.rate, seed: c.seed });
    again = backend.dropout(x, { rate: c.rate, seed: c.seed });
  } catch (e) {
    return { pass: false, maxError: Infinity, message: `${label}: ${backend.name} threw ${String(e)}` };
  }
  const fail = (why: string): CaseOutcome => ({ pass: false, maxError: Infinity, message: `${label}: ${why}.` });
  if (!x.data.every((v, i) => Object.is(v, xCopy[i]))) return fail(`${backend.name} mutated its input 'x'`);
  if (r.y.size !== x.size || r.mask.size !== x.size) return fail(`y and mask must have ${x.size} elements, received ${r.y.size} and ${r.mask.size}`);
  const keep = Math.fround(1 / (1 - c.rate));
  const expectedKeep = refDropoutKeep(c.seed, x.size, c.rate);
  let dropped = 0;
  let maxError = 0;
  for (let i = 0; i < x.size; i++) {
    const m = r.mask.data[i];
    if (m !== 0 && Math.abs(m - keep) > ELEMENTWISE.rtol * keep) {
      return fail(`mask index ${i}: expected 0 or ${keep}, received ${m}`);
    }
    if ((m !== 0 ? 1 : 0) !== expectedKeep[i]) {
      return fail(`mask index ${i}: the dropout-mask contract ${expectedKeep[i] ? 'keeps' : 'drops'} this unit, received mask ${m}`);
    }
    if (m === 0) dropped++;
    const err = Math.abs(r.y.data[i] - Math.fround(x.data[i] * m));
    maxError = Math.max(maxError, err);
    if (err > ELEMENTWISE.atol + ELEMENTWISE.rtol * Math.abs(x.data[i] * m)) {
      return fail(`y index ${i}: expected x * mask = ${x.data[i] * m}, received ${r.y.data[i]}, max error ${err}`);
    }
    if (r.mask.data[i] !== again.mask.data[i]) return fail(`the same seed gave a different mask at index ${i}`);
  }
  const fraction = dropped / x.size;
  const sigma = Math.sqrt((c.rate * (1 - c.rate)) / x.size);
  if (Math.abs(fraction - c.rate) > DROPOUT_SIGMAS * sigma) {
    return fail(`dropped fraction ${fraction.toFixed(4)}, expected ${c.rate} ± ${(DROPOUT_SIGMAS * sigma).toFixed(4)} (${DROPOUT_SIGMAS} sigma)`);
  }
  return { pass: true, maxError };
}

export function dropoutCases(): ConformanceCase[] {
  const out: ConformanceCase[] = DROPOUT_CASES.map((c) => ({
    kernel: 'dropout', name: c.name, seed: c.seed, group: 'kernel' as const,
    check: (backend: Backend) => checkDropout(backend, c),
  }));
  for (const [name, seed, shape, rate] of [['rate 0.5 rank 2', 911, [10, 12], 0.5], ['rate 0.2 rank 4', 912, [2, 4, 4, 3], 0.2]] as const) {
    out.push(
      comparisonCase({
        kernel: 'dropoutBackward', name, seed,
        make: (rng) => {
          const u = uniform(rng, shape, 0, 1);
          const mask = u.clone();
          for (let i = 0; i < mask.size; i++) mask.data[i] = u.data[i] < rate ? 0 : 1 / (1 - rate);
          return { dy: normal(rng, shape), mask };
        },
        tolerance: ELEMENTWISE,
        run: (b, i) => ({ dx: b.dropoutBackward(i.dy, i.mask) }),
        reference: (i) => ({ dx: refDropoutApply(fromTensor(i.dy), fromTensor(i.mask)) }),
      }),
    );
  }
  return out;
}

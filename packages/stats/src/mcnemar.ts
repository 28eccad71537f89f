import { describeValue, InvalidArgumentError } from '@batchwise/core';
import { checkCount } from './checks.js';
import { logGamma, regularizedIncompleteBeta } from './special-functions.js';

/*
 * McNemar's test for two classifiers scored on the same examples: only the
 * discordant examples count (b: A right and B wrong; c: A wrong and B
 * right); under "equally accurate" each is b or c with probability 1/2.
 * The exact conditional p-value is binomial; the mid-p subtracts half the
 * probability of the observed count from each tail, which keeps the level
 * without the exact test's conservatism (Fagerland, Lydersen & Laake 2013,
 * BMC Med. Res. Methodol. 13:91, recommend it).
 */

export interface McNemarResult {
  /** A right, B wrong. */
  b: number;
  /** A wrong, B right. */
  c: number;
  /** Two-sided exact conditional p-value: min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2). */
  exactP: number;
  /** Two-sided mid-p: exactP - P(X = min(b, c)). */
  midP: number;
}

/** P(X = k) for X ~ Bin(n, 1/2). */
function halfBinomialPmf(k: number, n: number): number {
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) - n * Math.LN2);
}

/** McNemar's test from the two discordant counts. */
export function mcnemarTest(b: number, c: number): McNemarResult {
  checkCount('mcnemarTest', 'b', b);
  checkCount('mcnemarTest', 'c', c);
  const n = b + c;
  if (n === 0) return { b, c, exactP: 1, midP: 1 };
  const k = Math.min(b, c);
  // P(X <= k) = I_{1/2}(n - k, k + 1); the beta form stays accurate where a sum of pmfs would not.
  const lowerTail = regularizedIncompleteBeta(0.5, n - k, k + 1);
  const exactP = Math.min(1, 2 * lowerTail);
  const midP = Math.min(1, 2 * lowerTail - halfBinomialPmf(k, n));
  return { b, c, exactP, midP };
}

function checkOutcomes(name: string, v: unknown): asserts v is ArrayLike<number | boolean> {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new InvalidArgumentError(`mcnemarFromOutcomes: ${name} must be an array of 0/1 or booleans, received ${describeValue(v)}.`);
  const list = v as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x !== 0 && x !== 1 && x !== true && x !== false) {
      throw new InvalidArgumentError(`mcnemarFromOutcomes: ${name}[${i}] must be 0, 1, true or false, received ${describeValue(x)}.`);
    }
  }
}

/** McNemar's test from per-example correctness (1/true = right) of A and B on the same examples. */
export function mcnemarFromOutcomes(correctA: ArrayLike<number | boolean>, correctB: ArrayLike<number | boolean>): McNemarResult {
  checkOutcomes('correctA', correctA);
  checkOutcomes('correctB', correctB);
  if (correctA.length !== correctB.length) {
    throw new InvalidArgumentError(`mcnemarFromOutcomes: correctB must have as many values as correctA (${correctA.length}), received ${correctB.length}.`);
  }
  let b = 0;
  let c = 0;
  for (let i = 0; i < correctA.length; i++) {
    const ra = Boolean(correctA[i]);
    const rb = Boolean(correctB[i]);
    if (ra && !rb) b++;
    else if (!ra && rb) c++;
  }
  return mcnemarTest(b, c);
}

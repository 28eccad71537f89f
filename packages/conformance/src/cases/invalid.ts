import { createOps, type Backend } from '@batchwise/core';
import { caseLabel } from './comparison.js';
import { INVALID_LIMIT_CASES } from './invalid-limits.js';
import { INVALID_OTHER_CASES } from './invalid-other.js';
import { INVALID_TENSOR_OP_CASES } from './invalid-tensor-ops.js';
import { INVALID_WINDOW_CASES, type InvalidCase } from './invalid-windows.js';
import type { CaseOutcome, ConformanceCase } from './types.js';

/*
 * Every validation rule of core's entry points, run through `createOps(backend)`:
 * the exact error class and message are required (STYLE.md section 4), so
 * wording drift and a missing check both fail. The messages are written out
 * in the tables on purpose, not rebuilt from core's helpers.
 */

export const INVALID_CASES: InvalidCase[] = [...INVALID_WINDOW_CASES, ...INVALID_OTHER_CASES, ...INVALID_LIMIT_CASES, ...INVALID_TENSOR_OP_CASES];

/** Runs one invalid-argument case through createOps(backend); passes only on the exact class and message. */
export function checkInvalid(backend: Backend, c: InvalidCase, seed: number): CaseOutcome {
  const label = caseLabel(c.kernel, `invalid: ${c.name}`, seed);
  try {
    c.call(createOps(backend));
  } catch (e) {
    const name = e instanceof Error ? e.name : typeof e;
    // Exact class: a ShapeError where an InvalidArgumentError is due (or the reverse) fails.
    if (!(e instanceof c.error) || Object.getPrototypeOf(e) !== c.error.prototype) {
      return { pass: false, maxError: 0, message: `${label}: expected ${c.error.name}, received ${name}: ${String((e as Error)?.message ?? e)}` };
    }
    if (e.message !== c.message) {
      return { pass: false, maxError: 0, message: `${label}: expected message "${c.message}", received "${e.message}"` };
    }
    return { pass: true, maxError: 0 };
  }
  return { pass: false, maxError: 0, message: `${label}: expected ${c.error.name} "${c.message}", but nothing was thrown` };
}

export function invalidCases(): ConformanceCase[] {
  return INVALID_CASES.map((c, i) => ({
    kernel: c.kernel,
    name: `invalid: ${c.name}`,
    seed: i,
    group: 'invalid' as const,
    check: (backend: Backend) => checkInvalid(backend, c, i),
  }));
}

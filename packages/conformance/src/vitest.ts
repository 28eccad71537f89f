import type { Backend } from '@batchwise/core';
import { beforeAll, describe, it } from 'vitest';
import type { CaseResult, ConformanceCase } from './cases/types.js';
import { checkReferenceGradients, GRADIENT_CHECKS } from './gradient-check.js';
import { conformanceCases, runCase, type ConformanceOptions } from './runner.js';

/*
 * The vitest binding (subpath '@batchwise/conformance/vitest'): one test per
 * kernel x case, so a failure names its kernel and case in the report and
 * prints kernel, case, seed, worst index, expected, received and max error.
 */

/** Per-test timeout: the large cases (conv 8x28x28x16->32, batch norm [32,28,28,32]) on a slow backend. */
export const CASE_TIMEOUT_MS = 60_000;

function byKernel(cases: readonly ConformanceCase[]): Map<string, ConformanceCase[]> {
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of cases) {
    const list = groups.get(c.kernel);
    if (list) list.push(c);
    else groups.set(c.kernel, [c]);
  }
  return groups;
}

function assertResult(r: CaseResult): void {
  if (!r.pass) throw new Error(r.message ?? `${r.kernel} '${r.case}' (seed ${r.seed}) failed.`);
}

/** One test per reference-gradient check (the references against finite differences). */
function describeReferenceGradients(): void {
  describe('reference gradients vs finite differences', () => {
    GRADIENT_CHECKS.forEach((c, i) => {
      it(`${c.kernel}: ${c.name}`, () => assertResult(checkReferenceGradients([GRADIENT_CHECKS[i]])[0]));
    });
  });
}

/**
 * Registers the whole suite for one backend: adding a backend is one test
 * file calling this. ONNX vectors that batchwise cannot express (listed with
 * reasons in the package README) get no test; everything else does.
 */
export function describeConformance(name: string, createBackend: () => Backend | Promise<Backend>, options: ConformanceOptions = {}): void {
  describe(`conformance: ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend();
    });
    const cases = conformanceCases(options).filter((c) => c.skip === undefined);
    for (const [kernel, list] of byKernel(cases)) {
      describe(kernel, () => {
        for (const c of list) it(c.name, () => assertResult(runCase(c, () => c.check(backend))), CASE_TIMEOUT_MS);
      });
    }
    describeReferenceGradients();
  });
}

/**
 * Registers a cross-backend comparison: both backends run every comparable
 * kernel case on the same seeded inputs, and b must match a within twice the
 * reference tolerance.
 */
export function describeCrossBackend(
  nameA: string,
  createA: () => Backend | Promise<Backend>,
  nameB: string,
  createB: () => Backend | Promise<Backend>,
  options: Omit<ConformanceOptions, 'groups' | 'onnxDir'> = {},
): void {
  describe(`cross-backend: ${nameB} vs ${nameA}`, () => {
    let a: Backend;
    let b: Backend;
    beforeAll(async () => {
      a = await createA();
      b = await createB();
    });
    const cases = conformanceCases({ ...options, groups: ['kernel'] }).filter((c) => c.cross);
    for (const [kernel, list] of byKernel(cases)) {
      describe(kernel, () => {
        for (const c of list) it(c.name, () => assertResult(runCase(c, () => c.cross!(a, b))), CASE_TIMEOUT_MS);
      });
    }
  });
}

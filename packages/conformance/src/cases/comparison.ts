import { Random, Tensor, type Backend, type FusedKernelName, type KernelName } from '@batchwise/core';
import { compareArrays, formatTolerance, unravel, type Tolerance } from '../tolerance.js';
import type { CaseOutcome, ConformanceCase } from './types.js';

/** A result to compare: a tensor, a float64 reference array, or a plain array (e.g. maxPool's argmax). */
export type OutputValue = { data: ArrayLike<number>; shape: readonly number[] } | ArrayLike<number>;
export type Outputs = Record<string, OutputValue>;

/** A case checked by comparing a backend's outputs with the float64 reference on the same seeded inputs. */
export interface ComparisonSpec<I> {
  kernel: KernelName | FusedKernelName;
  name: string;
  seed: number;
  /** One tolerance for every output, or one per output name. */
  tolerance: Tolerance | Record<string, Tolerance>;
  make(rng: Random): I;
  run(backend: Backend, inputs: I): Outputs;
  reference(inputs: I): Outputs;
}

function split(v: OutputValue): { data: ArrayLike<number>; shape?: readonly number[] } {
  return 'shape' in v && 'data' in v ? v : { data: v as ArrayLike<number> };
}

function toleranceOf(t: Tolerance | Record<string, Tolerance>, output: string): Tolerance {
  return 'atol' in t && typeof t.atol === 'number' ? (t as Tolerance) : (t as Record<string, Tolerance>)[output];
}

const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(8))) : String(v));

/** Compares every expected output; the message names kernel, case, seed, output, worst index and errors. */
export function compareOutputs(
  label: string,
  expected: Outputs,
  received: Outputs,
  tolerance: Tolerance | Record<string, Tolerance>,
): CaseOutcome {
  let maxError = 0;
  const failures: string[] = [];
  for (const [key, ev] of Object.entries(expected)) {
    const rv = received[key];
    if (rv === undefined) {
      failures.push(`output '${key}' is missing`);
      maxError = Infinity;
      continue;
    }
    const e = split(ev);
    const r = split(rv);
    if (e.shape && r.shape && (e.shape.length !== r.shape.length || e.shape.some((d, i) => d !== r.shape![i]))) {
      failures.push(`output '${key}' has shape [${r.shape.join(',')}], expected [${e.shape.join(',')}]`);
      maxError = Infinity;
      continue;
    }
    const tol = toleranceOf(tolerance, key);
    const c = compareArrays(e.data, r.data, tol);
    maxError = Math.max(maxError, c.maxError);
    if (c.pass) continue;
    if (c.lengthMismatch) {
      failures.push(`output '${key}' has ${c.lengthMismatch.received} elements, expected ${c.lengthMismatch.expected}`);
      continue;
    }
    const at = e.shape && e.shape.length > 1 ? ` [${unravel(c.worstIndex, e.shape).join(',')}]` : '';
    failures.push(
      `output '${key}' worst index ${c.worstIndex}${at}: expected ${fmt(c.expected)}, received ${fmt(c.received)}, ` +
        `max error ${fmt(c.maxError)} (${formatTolerance(tol)})`,
    );
  }
  if (failures.length === 0) return { pass: true, maxError };
  return { pass: false, maxError, message: `${label}: ${failures.join('; ')}.` };
}

export function caseLabel(kernel: string, name: string, seed: number): string {
  return `${kernel} '${name}' (seed ${seed})`;
}

/** Every tensor (or Int32Array) reachable one level into the inputs, for the no-mutation check. */
function snapshot(inputs: unknown): Array<[string, ArrayLike<number>, Uint8Array]> {
  const out: Array<[string, ArrayLike<number>, Uint8Array]> = [];
  const visit = (name: string, v: unknown) => {
    const data = v instanceof Tensor ? v.data : v instanceof Int32Array ? v : null;
    if (data) out.push([name, data, new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))]);
  };
  if (inputs && typeof inputs === 'object') for (const [k, v] of Object.entries(inputs)) visit(k, v);
  return out;
}

function mutated(snap: Array<[string, ArrayLike<number>, Uint8Array]>): string | null {
  for (const [name, data, bytes] of snap) {
    const view = data as unknown as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
    const now = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (now.some((b, i) => b !== bytes[i])) return name;
  }
  return null;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Builds a comparison case: conformance against the reference, and cross-backend comparison. */
export function comparisonCase<I>(spec: ComparisonSpec<I>): ConformanceCase {
  const label = caseLabel(spec.kernel, spec.name, spec.seed);
  const runOn = (backend: Backend, inputs: I): Outputs | CaseOutcome => {
    const snap = snapshot(inputs);
    let received: Outputs;
    try {
      received = spec.run(backend, inputs);
    } catch (e) {
      return { pass: false, maxError: Infinity, message: `${label}: ${backend.name} threw ${errorText(e)}` };
    }
    const changed = mutated(snap);
    if (changed) return { pass: false, maxError: Infinity, message: `${label}: ${backend.name} mutated its input '${changed}'.` };
    return received;
  };
  const isOutcome = (v: Outputs | CaseOutcome): v is CaseOutcome => typeof (v as CaseOutcome).pass === 'boolean';
  return {
    kernel: spec.kernel,
    name: spec.name,
    seed: spec.seed,
    group: 'kernel',
    check(backend) {
      const inputs = spec.make(new Random(spec.seed));
      const expected = spec.reference(inputs);
      const received = runOn(backend, inputs);
      return isOutcome(received) ? received : compareOutputs(label, expected, received, spec.tolerance);
    },
    cross(a, b) {
      const ra = runOn(a, spec.make(new Random(spec.seed)));
      if (isOutcome(ra)) return ra;
      const rb = runOn(b, spec.make(new Random(spec.seed)));
      if (isOutcome(rb)) return rb;
      // Each side may be off by its tolerance from the truth, so the two may differ by twice that.
      const doubled = (t: Tolerance): Tolerance => ({ atol: 2 * t.atol, rtol: 2 * t.rtol });
      const tol = toleranceOf(spec.tolerance, '') ? doubled(spec.tolerance as Tolerance) : Object.fromEntries(
        Object.entries(spec.tolerance).map(([k, t]) => [k, doubled(t as Tolerance)]),
      );
      return compareOutputs(`${label} ${b.name} vs ${a.name}`, ra, rb, tol);
    },
  };
}

import type { Backend } from '@batchwise/core';
import { explicitOnnxDir, locateOnnxTests, NOT_FOUND_HINT, readVectorDir, searchedDetail, vectorPath } from '#onnx-files';
import { compareOutputs } from '../cases/comparison.js';
import type { CaseOutcome, ConformanceCase } from '../cases/types.js';
import { HANDLERS, type LoadedVector } from './handlers.js';
import type { OnnxLocation } from './locate.js';
import { decodeVector, ONNX_TESTS_ENV, type VectorBytes } from './vector-bytes.js';
import { ONNX_VECTORS, type OnnxOp, type OnnxVector } from './vectors.js';

/** Loads a vector from its folder (Node): `input_N.pb` matched by tensor name, or in order over the graph inputs that are not initializers. */
export function loadVector(dir: string): LoadedVector {
  const bytes = readVectorDir(dir);
  if (!bytes) throw new Error(`loadVector: ${dir} must hold model.onnx, received a folder without it.`);
  return decodeVector(bytes);
}

const kernelOf = (op: OnnxOp) => `onnx:${op}`;

/** Where a vector's bytes come from, and how to say it is not there. */
interface VectorSource {
  read(test: string): VectorBytes | null;
  where(test: string): string;
}

function runVector(backend: Backend, source: VectorSource, v: OnnxVector, label: string): CaseOutcome {
  const bytes = source.read(v.test);
  if (!bytes) {
    return { pass: false, maxError: Infinity, message: `${label}: the vector is missing from ${source.where(v.test)}.` };
  }
  const loaded = decodeVector(bytes);
  const r = HANDLERS[v.op](backend, loaded);
  // A vector listed as runnable that turns out inexpressible is a harness error, not a skip.
  if ('skipped' in r) return { pass: false, maxError: Infinity, message: `${label}: listed as runnable but ${r.skipped}.` };
  return compareOutputs(label, r.expected, r.received, r.tolerance);
}

/** How a skipped case says the vectors were not found, so reports can group those skips. */
export const ONNX_NOT_FOUND = 'ONNX test vectors not found';

/** Cases that fail (an explicitly named folder is missing) or skip (none found) every operator with `message`. */
function absentCases(message: string, fail: boolean): ConformanceCase[] {
  const ops = [...new Set(ONNX_VECTORS.map((v) => v.op))];
  return ops.map((op) => ({
    kernel: kernelOf(op), name: 'vectors present', seed: 0, group: 'onnx' as const,
    ...(fail ? {} : { skip: message }),
    check: () => (fail ? { pass: false, maxError: Infinity, message: `${kernelOf(op)}: ${message}` } : { pass: true, maxError: 0, skipped: message }),
  }));
}

/**
 * The ONNX cases for a located folder. `explicit` says the folder was named
 * (argument or BATCHWISE_ONNX_TESTS): missing, it is an error. Found by
 * searching, it may legitimately be absent: the vectors are not shipped with
 * this package (they live beside the batchwise repository), so an installed
 * package reports them as skipped, with the reason and how to run them.
 */
export function onnxCasesAt(where: OnnxLocation, explicit: boolean): ConformanceCase[] {
  if (!where.dir) {
    if (explicit) {
      return absentCases(`${ONNX_NOT_FOUND}: ${where.searched.join(', ')} is not a folder (set by ${ONNX_TESTS_ENV} or onnxDir).`, true);
    }
    return absentCases(`${ONNX_NOT_FOUND} (they are not shipped with @batchwise/conformance${searchedDetail(where)}); ${NOT_FOUND_HINT}.`, false);
  }
  const root = where.dir;
  return vectorCases({ read: (test) => readVectorDir(vectorPath(root, test)), where: (test) => vectorPath(root, test) });
}

/** One case per listed vector, from the bytes a caller without a file system passes (the onnxVectors option). */
export function onnxCasesFrom(vectors: ReadonlyMap<string, VectorBytes>): ConformanceCase[] {
  return vectorCases({ read: (test) => vectors.get(test) ?? null, where: () => 'the onnxVectors given' });
}

function vectorCases(source: VectorSource): ConformanceCase[] {
  return ONNX_VECTORS.map((v) => {
    const label = `${kernelOf(v.op)} '${v.test}' (seed 0)`;
    return {
      kernel: kernelOf(v.op), name: v.test, seed: 0, group: 'onnx' as const,
      ...(v.skip ? { skip: v.skip } : {}),
      check: (backend: Backend): CaseOutcome =>
        v.skip ? { pass: true, maxError: 0, skipped: v.skip } : runVector(backend, source, v, label),
    };
  });
}

/** One case per listed ONNX vector, from `dir`, else BATCHWISE_ONNX_TESTS, else the folder found upward (see onnxCasesAt). */
export function onnxCases(dir?: string): ConformanceCase[] {
  return onnxCasesAt(locateOnnxTests(dir), Boolean(explicitOnnxDir(dir)));
}

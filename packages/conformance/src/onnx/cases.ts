import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Backend } from '@batchwise/core';
import { decodeModel, decodeTensor, type OnnxTensor } from '@batchwise/onnx-codec';
import { compareOutputs } from '../cases/comparison.js';
import type { CaseOutcome, ConformanceCase } from '../cases/types.js';
import { HANDLERS, type LoadedVector } from './handlers.js';
import { locateOnnxTests, ONNX_TESTS_ENV, type OnnxLocation } from './locate.js';
import { ONNX_VECTORS, type OnnxOp, type OnnxVector } from './vectors.js';

/** Loads a vector: `input_N.pb` matched by tensor name, or in order over the graph inputs that are not initializers. */
export function loadVector(dir: string): LoadedVector {
  const model = decodeModel(readFileSync(join(dir, 'model.onnx')));
  const data = join(dir, 'test_data_set_0');
  const files = readdirSync(data).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const read = (prefix: string) => files.filter((f) => f.startsWith(prefix)).map((f) => decodeTensor(readFileSync(join(data, f))));
  const inputs = read('input_');
  const outputs = read('output_');
  const feeds = model.inputs.map((v) => v.name).filter((n) => !model.initializers.has(n));
  const value = (name: string): OnnxTensor | undefined =>
    model.initializers.get(name) ?? inputs.find((t) => t.name !== '' && t.name === name) ?? inputs[feeds.indexOf(name)];
  return { model, node: model.nodes[model.nodes.length - 1], value, outputs };
}

const kernelOf = (op: OnnxOp) => `onnx:${op}`;

function runVector(backend: Backend, root: string, v: OnnxVector, label: string): CaseOutcome {
  const dir = join(root, v.test);
  if (!existsSync(join(dir, 'model.onnx'))) {
    return { pass: false, maxError: Infinity, message: `${label}: the vector is missing from ${dir}.` };
  }
  const loaded = loadVector(dir);
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
    const looked = where.searched.length > 0 ? `; no shared/onnx-node-tests above ${dirname(dirname(where.searched[0]))}` : '';
    return absentCases(
      `${ONNX_NOT_FOUND} (they are not shipped with @batchwise/conformance${looked}); set ${ONNX_TESTS_ENV} to an onnx-node-tests folder to run them.`,
      false,
    );
  }
  const root = where.dir;
  return ONNX_VECTORS.map((v) => {
    const label = `${kernelOf(v.op)} '${v.test}' (seed 0)`;
    return {
      kernel: kernelOf(v.op), name: v.test, seed: 0, group: 'onnx' as const,
      ...(v.skip ? { skip: v.skip } : {}),
      check: (backend: Backend): CaseOutcome =>
        v.skip ? { pass: true, maxError: 0, skipped: v.skip } : runVector(backend, root, v, label),
    };
  });
}

/** One case per listed ONNX vector, from `dir`, else BATCHWISE_ONNX_TESTS, else the folder found upward (see onnxCasesAt). */
export function onnxCases(dir?: string): ConformanceCase[] {
  const named = dir ?? process.env[ONNX_TESTS_ENV];
  return onnxCasesAt(locateOnnxTests(dir), Boolean(named));
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '@batchwise/core';
import { decodeModel, decodeTensor, type OnnxTensor } from '@batchwise/onnx-codec';
import { compareOutputs } from '../cases/comparison.js';
import type { CaseOutcome, ConformanceCase } from '../cases/types.js';
import { HANDLERS, type LoadedVector } from './handlers.js';
import { locateOnnxTests, ONNX_TESTS_ENV } from './locate.js';
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

/**
 * One case per listed ONNX vector. When the folder cannot be found, every
 * operator gets a failing case saying where it looked: the ONNX checks must
 * never pass by being absent.
 */
export function onnxCases(dir?: string): ConformanceCase[] {
  const where = locateOnnxTests(dir);
  if (!where.dir) {
    const ops = [...new Set(ONNX_VECTORS.map((v) => v.op))];
    const message =
      `ONNX test vectors not found: set ${ONNX_TESTS_ENV} to the onnx-node-tests folder, or place it at shared/onnx-node-tests ` +
      `beside the repository (looked in: ${where.searched.join(', ')}).`;
    return ops.map((op) => ({
      kernel: kernelOf(op), name: 'vectors present', seed: 0, group: 'onnx' as const,
      check: () => ({ pass: false, maxError: Infinity, message: `${kernelOf(op)}: ${message}` }),
    }));
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

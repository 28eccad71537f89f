import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * ONNX's own node-test vectors (shared/onnx-node-tests, ONNX v1.22.0): from
 * BATCHWISE_ONNX_TESTS, else shared/onnx-node-tests in an ancestor folder, as
 * the conformance suite finds them. Missing vectors fail the tests that read them.
 */
function vectorRoot(): string {
  const explicit = process.env.BATCHWISE_ONNX_TESTS;
  if (explicit) return resolve(explicit);
  for (let at = import.meta.dirname; ; at = dirname(at)) {
    const candidate = join(at, 'shared', 'onnx-node-tests');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) throw new Error(`ONNX test vectors not found: set BATCHWISE_ONNX_TESTS or place shared/onnx-node-tests beside the repository.`);
  }
}

export const vector = (...path: string[]): Buffer => readFileSync(join(vectorRoot(), ...path));

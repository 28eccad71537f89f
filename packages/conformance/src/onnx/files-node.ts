import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { locateOnnxTests, type OnnxLocation } from './locate.js';
import { ONNX_TESTS_ENV, splitDataFiles, type VectorBytes } from './vector-bytes.js';

/*
 * Where the ONNX vectors come from on Node: a folder (BATCHWISE_ONNX_TESTS,
 * or shared/onnx-node-tests found upward). Reached through the package's
 * `#onnx-files` import, whose "default" condition (files-default.ts) keeps
 * node: imports out of a browser bundle of the main entry.
 */

export { locateOnnxTests };

/** The folder the caller named, by argument or environment. */
export function explicitOnnxDir(dir?: string): string | undefined {
  return dir ?? process.env[ONNX_TESTS_ENV];
}

/** What the not-found message adds about where it looked. */
export function searchedDetail(where: OnnxLocation): string {
  return where.searched.length > 0 ? `; no shared/onnx-node-tests above ${dirname(dirname(where.searched[0]))}` : '';
}

export const NOT_FOUND_HINT: string = `set ${ONNX_TESTS_ENV} to an onnx-node-tests folder to run them`;

/** The folder of one vector under the root. */
export function vectorPath(root: string, test: string): string {
  return join(root, test);
}

/** A vector's bytes from its folder, or null when it has no model.onnx. */
export function readVectorDir(dir: string): VectorBytes | null {
  if (!existsSync(join(dir, 'model.onnx'))) return null;
  const data = join(dir, 'test_data_set_0');
  const { inputs, outputs } = splitDataFiles(readdirSync(data));
  return { model: readFileSync(join(dir, 'model.onnx')), inputs: inputs.map((f) => readFileSync(join(data, f))), outputs: outputs.map((f) => readFileSync(join(data, f))) };
}

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ONNX_TESTS_ENV } from './vector-bytes.js';

export { ONNX_TESTS_ENV };

/** Where the folder sits relative to an ancestor of this package: the repo has `shared/` beside it. */
export const ONNX_TESTS_RELATIVE = join('shared', 'onnx-node-tests');

export interface OnnxLocation {
  /** The folder, or null when absent. */
  dir: string | null;
  /** Every place looked at, in order, for the failure message. */
  searched: string[];
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * Finds ONNX's test vectors: `BATCHWISE_ONNX_TESTS` if set (and then only
 * there), else `shared/onnx-node-tests` in this package's directory or any
 * ancestor, which finds /work/shared beside the /work/main checkout. An
 * installed copy (inside node_modules) does not search: the vectors are not
 * shipped, and a folder that happens to sit above the user's project must
 * not change what the suite runs.
 */
export function locateOnnxTests(
  explicit?: string,
  env: Record<string, string | undefined> = process.env,
  from: string = dirname(fileURLToPath(import.meta.url)),
): OnnxLocation {
  const chosen = explicit ?? env[ONNX_TESTS_ENV];
  if (chosen) {
    const dir = resolve(chosen);
    return { dir: isDir(dir) ? dir : null, searched: [dir] };
  }
  if (from.split(sep).includes('node_modules')) return { dir: null, searched: [] };
  const searched: string[] = [];
  let at = from;
  for (;;) {
    const candidate = join(at, ONNX_TESTS_RELATIVE);
    searched.push(candidate);
    if (isDir(candidate)) return { dir: candidate, searched };
    const up = dirname(at);
    if (up === at) return { dir: null, searched };
    at = up;
  }
}

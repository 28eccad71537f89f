import { locateOnnxTests as locate } from '#onnx-files';
import type { OnnxLocation } from './locate.js';

/*
 * locateOnnxTests for the main entry, whatever the runtime: on Node the
 * folder search of locate.ts, elsewhere nothing is found (the `#onnx-files`
 * import chooses). A function of its own, so the package's type declarations
 * never name the private import.
 */

/** Where ONNX's test vectors are: BATCHWISE_ONNX_TESTS, else shared/onnx-node-tests found upward (Node only). */
export function locateOnnxTests(explicit?: string, env?: Record<string, string | undefined>, from?: string): OnnxLocation {
  return locate(explicit, env, from);
}

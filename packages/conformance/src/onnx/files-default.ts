import type * as NodeFiles from './files-node.js';
import type { OnnxLocation } from './locate.js';

/*
 * Where the ONNX vectors come from without a file system (the `#onnx-files`
 * import's "default" condition: browsers and workers): nowhere, unless the
 * caller passes their bytes as the `onnxVectors` option.
 */

export const locateOnnxTests: typeof NodeFiles.locateOnnxTests = (explicit?: string): OnnxLocation => ({ dir: null, searched: explicit ? [explicit] : [] });

export const explicitOnnxDir: typeof NodeFiles.explicitOnnxDir = (dir) => dir;

export const searchedDetail: typeof NodeFiles.searchedDetail = () => '';

export const NOT_FOUND_HINT: typeof NodeFiles.NOT_FOUND_HINT = 'pass their bytes as the onnxVectors option to run them here (this runtime has no file system)';

export const vectorPath: typeof NodeFiles.vectorPath = (root, test) => `${root}/${test}`;

export const readVectorDir: typeof NodeFiles.readVectorDir = () => null;

/*
 * `@batchwise/layers/node`: the Node-only file helpers batchwise writes and
 * reads model files with, for applications that keep their own files
 * (checkpoints, reports) to the same guarantees. The root entry stays free
 * of node: imports; it loads these lazily when given a path.
 */
export { writeFileAtomic, writeDirectoryAtomic, writeNewFile, removeStaleTemporaries, syncDirectory, temporaryName, type AtomicWriteOptions, type FileData } from './atomic-write.js';
export { readRegularFile, readRegularTextFile, type BoundedReadOptions } from './bounded-read.js';
export { resolveInside, isInside, type Containment } from './contained-path.js';
export { ensureDirectory } from './ensure-directory.js';
export { FileError, fileError, errorCode } from '../file-error.js';
export { readModelJson, modelJsonPath, MODEL_JSON } from './model-dir-load.js';
export { weightFileName } from './model-dir-save.js';

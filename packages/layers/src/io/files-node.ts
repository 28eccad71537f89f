/*
 * What the main entry does with a file-system path, on Node. Reached only
 * through the package's `#files` import, whose "node" condition names this
 * module and whose "default" names files-browser.ts, so a browser bundle of
 * the main entry never contains node: imports.
 */
export { saveArtifactsToDir } from './node/model-dir-save.js';
export { loadArtifactsFromPath } from './node/model-dir-load.js';
export { saveCheckpoint, loadCheckpoint } from '../checkpoint/checkpoint.js';

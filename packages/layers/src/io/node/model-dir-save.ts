import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { concatBuffers, type ModelArtifacts } from '../artifacts.js';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-write.js';
import { ensureDirectory } from './ensure-directory.js';
import { FileError, kindOf } from '../file-error.js';
import { MODEL_JSON } from './model-dir-load.js';

/*
 * Saving model.json + weights so that a crash at any instant leaves a
 * directory that loads as the old model or the new one (README, "Safety").
 * The weight file is named after its content (a SHA-256 prefix), so writing
 * it never touches the file the old model.json points at. The steps:
 *   1. write the new weight file (temporary, fsync, rename);
 *   2. write model.json the same way: this rename is the moment the new
 *      model replaces the old one;
 *   3. remove weight files model.json no longer references, and temporaries
 *      of killed writers.
 * TensorFlow.js just follows the manifest's paths, so it loads the result.
 * Two processes saving into one directory at the same time are not
 * supported: the last model.json wins, and step 3 of one may remove the
 * other's new weight file before that one's step 2.
 */

/** Weight files this module writes or replaces: tfjs names (`group1-shard1of1.bin`) with an optional content hash. */
const SHARD_NAME = /^group\d+-shard\d+of\d+(-[0-9a-f]{16})?\.bin$/;

/** `group1-shard1of1-<first 16 hex digits of the SHA-256 of the bytes>.bin`. */
export function weightFileName(bytes: Uint8Array): string {
  return `group1-shard1of1-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
}

/** Saves artifacts into dir (created if needed); returns the paths of model.json and the weight file. */
export async function saveArtifactsToDir(dir: string, artifacts: ModelArtifacts): Promise<{ modelJson: string; weights: string }> {
  const fn = 'save';
  await ensureDirectory(fn, dir);
  const modelJson = path.join(dir, MODEL_JSON);
  const existing = await fs.lstat(modelJson).catch(() => null);
  if (existing?.isDirectory()) throw new FileError(`${fn}: ${modelJson} must be a file, received ${kindOf(existing)}.`, modelJson, 'EISDIR');
  const bytes = new Uint8Array(concatBuffers(artifacts.weightData ?? new ArrayBuffer(0)));
  const name = weightFileName(bytes);
  const weights = path.join(dir, name);
  await writeFileAtomic(weights, bytes, { fn });
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [name], weights: artifacts.weightSpecs ?? [] }],
  };
  await writeFileAtomic(modelJson, JSON.stringify(json), { fn });
  await removeUnreferenced(dir, name);
  return { modelJson, weights };
}

/** Step 3. Best effort: what is left behind is unreferenced, so a failure here loses nothing and the next save retries. */
async function removeUnreferenced(dir: string, keep: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name !== keep && SHARD_NAME.test(name)) await fs.rm(path.join(dir, name), { force: true }).catch(() => {});
  }
  await removeStaleTemporaries(dir);
}

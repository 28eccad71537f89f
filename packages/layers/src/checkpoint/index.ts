import type { LayersModel } from '../models/layers-model.js';
import type { CheckpointContent, LoadedCheckpoint, SaveCheckpointOptions } from './checkpoint.js';

/*
 * Checkpoints live on a file system (Node); these entry points reach the
 * file code through the `#files` import (package.json "imports": the file
 * system on Node, a clear error elsewhere), so the main entry stays browser-safe.
 */

/** Saves a compiled model's training state into `dir` as a new generation (atomic); returns its path. */
export async function saveCheckpoint(dir: string, model: LayersModel, content: CheckpointContent, options?: SaveCheckpointOptions): Promise<string> {
  return (await import('#files')).saveCheckpoint(dir, model, content, options);
}

/** The newest complete checkpoint in `dir`: model (compiled, optimizer and random state restored), position, history, metadata. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  return (await import('#files')).loadCheckpoint(dir);
}

export type { CheckpointContent, CheckpointFitParams, CheckpointHistory, LoadedCheckpoint, SaveCheckpointOptions } from './checkpoint.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './state-schema.js';

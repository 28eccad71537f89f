import type { LayersModel } from '../models/layers-model.js';
import type { CheckpointContent, LoadedCheckpoint, SaveCheckpointOptions } from './checkpoint.js';

/*
 * Checkpoints live on a file system (Node); these entry points load the
 * file code on first use so the package's main entry stays browser-safe.
 */

/** Saves a compiled model's training state into `dir` as a new generation (atomic); returns its path. */
export async function saveCheckpoint(dir: string, model: LayersModel, content: CheckpointContent, options?: SaveCheckpointOptions): Promise<string> {
  return (await import('./checkpoint.js')).saveCheckpoint(dir, model, content, options);
}

/** The newest complete checkpoint in `dir`: model (compiled, optimizer and random state restored), position, history, metadata. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  return (await import('./checkpoint.js')).loadCheckpoint(dir);
}

export type { CheckpointContent, CheckpointFitParams, CheckpointHistory, LoadedCheckpoint, SaveCheckpointOptions } from './checkpoint.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './state-schema.js';

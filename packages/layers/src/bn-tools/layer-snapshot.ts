import type { Layer } from '../engine/layer.js';
import { copyOf } from '../engine/tensor-utils.js';

/**
 * Captures everything a forward pass or a recalibration may change in a
 * layer: its weight values (copied), what the layer itself reports through
 * snapshotTrainingState (BatchNormalization's update count), and its own
 * fields (recorded batch statistics, warn-once flags). Returns the function
 * that puts it all back.
 */
export function snapshotLayer(layer: Layer): () => void {
  const weights = layer.weights.map((w) => [w, copyOf(w.value)] as const);
  const own = layer.snapshotTrainingState();
  const fields = { ...layer };
  return () => {
    for (const [w, saved] of weights) w.assign(saved, 'snapshotLayer');
    own?.();
    Object.assign(layer, fields);
  };
}

/** Runs fn, then puts the layer back as it was (see snapshotLayer). */
export function withStateRestored<T>(layer: Layer, fn: () => T): T {
  const restore = snapshotLayer(layer);
  try {
    return fn();
  } finally {
    restore();
  }
}

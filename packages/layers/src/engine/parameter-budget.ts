import { InvalidArgumentError, formatShape } from '@batchwise/core';

/*
 * A limit on the parameters a model may allocate while it is built from a
 * description someone else wrote (a model.json, a topology file). A 4 KB
 * model.json saying `units: 600000` would otherwise allocate gigabytes in the
 * initializers before the weights manifest is even compared. Weight
 * allocations (initializers, Normalization's statistics) reserve their size
 * here first; outside `withParameterLimit` nothing is limited, since a model
 * built in code is its author's choice.
 */

/** Defaults of the limits applied to model files; `loadLayersModel`'s options and the CLI's environment raise them. */
export const MODEL_LIMITS = {
  /** Parameters (float32 values) a loaded model may have: 100 million, 400 MB. */
  maxParameters: 100_000_000,
  /** Bytes of a model.json (topology and manifest; the weights are separate): 32 MiB. */
  maxModelJsonBytes: 32 * 1024 * 1024,
} as const;

interface Budget {
  fn: string;
  limit: number;
  /** Why this is the limit, for the message ("maxParameters", "the weights manifest declares ..."). */
  reason: string;
  used: number;
  layer: string | null;
}

let active: Budget | null = null;

/**
 * Runs `build` (which builds layers and so creates their weights) allowing at
 * most `limit` parameters in total; a weight that would pass the limit is an
 * error naming the layer and shape, thrown before its memory is allocated.
 */
export function withParameterLimit<T>(fn: string, limit: number, build: () => T, reason = `the limit maxParameters = ${limit}`): T {
  if (typeof limit !== 'number' || !(limit >= 0)) throw new InvalidArgumentError(`${fn}: maxParameters must be a non-negative number, received ${String(limit)}.`);
  const previous = active;
  active = { fn, limit, reason, used: 0, layer: null };
  try {
    return build();
  } finally {
    active = previous;
  }
}

/** Layer.ensureBuilt names the layer being built, so a refused weight names its layer. */
export function buildingLayer<T>(label: string, build: () => T): T {
  if (active === null) return build();
  const budget = active;
  const previous = budget.layer;
  budget.layer = label;
  try {
    return build();
  } finally {
    budget.layer = previous;
  }
}

/** Called before allocating a weight of this shape. */
export function reserveParameters(shape: readonly number[]): void {
  if (active === null) return;
  // Multiplied as doubles: a product past 2^53 is inexact but still far above any limit.
  const size = shape.reduce((a, d) => a * d, 1);
  const total = active.used + size;
  if (!(total <= active.limit)) {
    const where = active.layer ?? 'a layer';
    throw new InvalidArgumentError(
      `${active.fn}: ${where} needs a weight of shape ${formatShape([...shape])}, which brings the model to ${total} parameters, more than ${active.reason}; nothing was allocated for it.`,
    );
  }
  active.used = total;
}

import * as v from 'valibot';
import { InvalidArgumentError } from '@batchwise/core';

/*
 * state.json of a checkpoint: where fit was, the history so far, how the model
 * was compiled, the optimizer's slot manifest and the random state. A
 * checkpoint is a file a user can edit or a program can forge, so every field
 * is checked against this schema before anything is allocated or trained, and
 * a bad one is refused with its path (`position.batch must be ...`).
 */

export const CHECKPOINT_FORMAT = 'batchwise-checkpoint';
export const CHECKPOINT_VERSION = 2;

const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const finite = v.pipe(v.number(), v.finite());
/** JSON has no NaN: a non-finite metric of a diverged epoch is stored as null. */
const metric = v.nullable(finite);

const positionSchema = v.strictObject({
  epoch: count,
  batch: count,
  step: count,
  sums: v.array(finite),
  seen: count,
  seconds: v.pipe(finite, v.minValue(0)),
});

const slotSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  shape: v.array(count),
  offset: count,
});

export const stateSchema = v.strictObject({
  format: v.literal(CHECKPOINT_FORMAT),
  version: v.literal(CHECKPOINT_VERSION),
  savedAt: v.string(),
  position: positionSchema,
  history: v.strictObject({ epoch: v.array(count), history: v.record(v.string(), v.array(metric)) }),
  fit: v.strictObject({ epochs: positive, batchSize: positive, seed: v.pipe(v.number(), v.safeInteger()), shuffle: v.boolean(), samples: positive }),
  compile: v.strictObject({
    loss: v.string(),
    metrics: v.array(v.string()),
    optimizer: v.strictObject({ className: v.picklist(['SGD', 'Adam']), config: v.record(v.string(), v.union([finite, v.boolean()])) }),
  }),
  optimizerState: v.strictObject({ iterations: count, slots: v.array(slotSchema) }),
  random: v.record(v.string(), v.record(v.string(), count)),
  metadata: v.unknown(),
});

export type CheckpointState = v.InferOutput<typeof stateSchema>;

/** The state, checked; the error names the file and the first field that is wrong. */
export function parseState(file: string, json: unknown): CheckpointState {
  const r = v.safeParse(stateSchema, json);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const path = v.getDotPath(issue) ?? '(top level)';
  throw new InvalidArgumentError(issue.received === 'undefined' ? `${file}: ${path} is missing.` : `${file}: ${path} must be ${issue.expected ?? 'valid'}, received ${issue.received}.`);
}

/** Cross-field checks the schema cannot express. */
export function checkStateConsistency(file: string, s: CheckpointState): void {
  const batches = Math.ceil(s.fit.samples / s.fit.batchSize);
  const fail = (what: string) => new InvalidArgumentError(`${file}: ${what}.`);
  // batch === batches: saved after the epoch's last step, before its end (validation, onEpochEnd).
  if (s.position.batch > batches) throw fail(`position.batch must be at most ${batches} (batches per epoch of ${s.fit.samples} samples in batches of ${s.fit.batchSize}), received ${s.position.batch}`);
  if (s.position.seen > s.fit.samples) throw fail(`position.seen must be at most ${s.fit.samples} samples, received ${s.position.seen}`);
  if (s.position.sums.length !== 1 + s.compile.metrics.length) throw fail(`position.sums must hold ${1 + s.compile.metrics.length} values (loss and metrics), received ${s.position.sums.length}`);
  if (s.history.epoch.length > s.position.epoch) throw fail(`history.epoch must list at most ${s.position.epoch} epochs (those before position.epoch), received ${s.history.epoch.length}`);
  for (const [key, values] of Object.entries(s.history.history)) {
    if (values.length !== s.history.epoch.length) throw fail(`history.history.${key} must hold ${s.history.epoch.length} values (one per epoch), received ${values.length}`);
  }
}

import * as v from 'valibot';
import { CliError } from '../cli/errors.js';
import { DATASET_NAMES } from '../data/image-data.js';
import { OPTIMIZER_NAMES } from '../presets/index.js';

/*
 * The settings of a `batchwise train` run. They travel in the checkpoint's
 * metadata, so `--resume` reads them back from a file a user can edit: every
 * field is checked here before anything is loaded or trained.
 */

const positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

const settingsSchema = v.strictObject({
  source: v.variant('kind', [
    v.strictObject({ kind: v.literal('preset'), name: v.string() }),
    v.strictObject({ kind: v.literal('topology'), path: v.string() }),
  ]),
  dataset: v.picklist(DATASET_NAMES),
  limit: v.nullable(positive),
  validationSplit: v.pipe(v.number(), v.minValue(0), v.maxValue(0.99)),
  seed: v.pipe(v.number(), v.safeInteger()),
  epochs: positive,
  batchSize: positive,
  learningRate: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  lrDecay: v.pipe(v.number(), v.gtValue(0), v.maxValue(1)),
  optimizer: v.picklist(OPTIMIZER_NAMES),
});

export type RunSettings = v.InferOutput<typeof settingsSchema>;

/** Settings read back from a checkpoint; the error names the file and the field. */
export function parseRunSettings(where: string, json: unknown): RunSettings {
  const r = v.safeParse(settingsSchema, json);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const field = `metadata.${v.getDotPath(issue) ?? '(settings)'}`;
  throw new CliError(issue.received === 'undefined' ? `${where}: ${field} is missing` : `${where}: ${field} must be ${issue.expected ?? 'valid'}, received ${issue.received}`);
}

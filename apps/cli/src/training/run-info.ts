import { readRegularTextFile } from '@batchwise/layers/node';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../data/image-data.js';
import { writeJsonAtomic } from '../report/atomic-write.js';

/*
 * run.json: what a run directory's model was trained on, written by
 * `batchwise train` before training starts (which also proves the directory
 * is writable, before any work). `evaluate` and `predict` default to that
 * dataset and warn when told to use another: an MNIST model scores 5.7 % on
 * Fashion-MNIST, which is not a finding about the model.
 */

export const RUN_INFO_FILE = 'run.json';
export const RUN_INFO_FORMAT = 'batchwise-run';

export interface RunInfo {
  format: typeof RUN_INFO_FORMAT;
  version: 1;
  dataset: string;
  /** The preset name or the topology path. */
  model: string;
}

/** run.json is small; a checkpoint's state.json holds the history too. Anything larger is not ours. */
const MAX_INFO_BYTES = 64 * 1024 * 1024;

export async function writeRunInfo(runDir: string, info: Omit<RunInfo, 'format' | 'version'>): Promise<void> {
  await writeJsonAtomic(join(runDir, RUN_INFO_FILE), { format: RUN_INFO_FORMAT, version: 1, ...info } satisfies RunInfo);
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readRegularTextFile(file, { fn: 'read', what: 'run information', maxBytes: MAX_INFO_BYTES, limitName: '64 MiB' }));
}

/** state.json of the checkpoint generations, newest first. */
function checkpointStates(dir: string): string[] {
  const checkpoints = join(dir, 'checkpoint');
  try {
    return readdirSync(checkpoints).filter((n) => /^gen-\d{8}$/.test(n)).sort().reverse().map((g) => join(checkpoints, g, 'state.json'));
  } catch {
    return [];
  }
}

/**
 * The dataset a saved run was trained on: its run.json, else the metadata of
 * its newest checkpoint that has one; null for models from elsewhere.
 */
export async function trainedDataset(modelLocation: string): Promise<DatasetName | null> {
  const dir = existsSync(modelLocation) && statSync(modelLocation).isDirectory() ? modelLocation : dirname(modelLocation);
  const readers: [string, (j: unknown) => unknown][] = [
    [join(dir, RUN_INFO_FILE), (j) => ((j as Partial<RunInfo> | null)?.format === RUN_INFO_FORMAT ? (j as RunInfo).dataset : undefined)],
    ...checkpointStates(dir).map((f): [string, (j: unknown) => unknown] => [f, (j) => (j as { metadata?: { dataset?: unknown } } | null)?.metadata?.dataset]),
  ];
  for (const [file, pick] of readers) {
    try {
      const dataset = pick(await readJson(file));
      if (typeof dataset === 'string' && (DATASET_NAMES as readonly string[]).includes(dataset)) return dataset as DatasetName;
    } catch {
      // Missing or not ours: try the next record, else the command's default.
    }
  }
  return null;
}

/** The warning for a dataset other than the one the run was trained on, or null. */
export function datasetMismatch(model: string, trained: DatasetName | null, used: DatasetName): string | null {
  if (trained === null || trained === used) return null;
  return `${model} was trained on ${trained}, not ${used}: its classes mean something else there, so these numbers say nothing about the model (drop --dataset to use ${trained})`;
}

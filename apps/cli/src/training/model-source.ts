import { MODEL_LIMITS, loadLayersModel, modelFromTopology, type LayersModel } from '@batchwise/layers';
import { readModelJson } from '@batchwise/layers/node';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';
import { limit, raiseHint } from '../cli/limits.js';

/*
 * Saved models on disk: a directory holding model.json (what `train` writes)
 * or the model.json path itself. Any problem reading it is one line; files
 * are read as regular files within the limits of cli/limits.ts.
 */

export function modelJsonPath(location: string): string {
  return existsSync(location) && statSync(location).isDirectory() ? join(location, 'model.json') : location;
}

/** The parsed model.json (regular files only, bounded), for commands that look before loading. */
export async function readModelJsonFile(location: string): Promise<Record<string, unknown>> {
  if (!existsSync(location)) throw new CliError(describeFileError(location, Object.assign(new Error(), { code: 'ENOENT' })));
  try {
    return (await readModelJson('read', location, MODEL_LIMITS.maxModelJsonBytes)).json;
  } catch (e) {
    throw new CliError(oneLine(e).replace(/^read: /, '').replace(/\.$/, ''));
  }
}

/** A library error as one CLI line about `file`, with how to raise the parameter limit when that was the cause. */
function cannot(file: string, doing: string, e: unknown, prefix: RegExp): CliError {
  const line = oneLine(e).replace(prefix, '');
  const hint = /maxParameters/.test(line) ? ` (${raiseHint('maxParameters')})` : '';
  return new CliError(`${file}: cannot ${doing}: ${line.replace(/\.$/, '')}${hint}`);
}

export async function loadSavedModel(location: string): Promise<LayersModel> {
  const file = modelJsonPath(location);
  if (!existsSync(file)) throw new CliError(describeFileError(file, Object.assign(new Error(), { code: 'ENOENT' })));
  try {
    return await loadLayersModel(file, { maxParameters: limit('maxParameters') });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw cannot(file, 'load the model', e, /^loadLayersModel: /);
  }
}

/** A fresh model from a model.json topology (its weights, if any, are not read): any model the library loads. */
export async function modelFromFile(file: string, seed: number): Promise<LayersModel> {
  const json = await readModelJsonFile(file);
  try {
    return modelFromTopology(json, { seed, maxParameters: limit('maxParameters') });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw cannot(file, 'build the model', e, /^modelFromTopology: /);
  }
}

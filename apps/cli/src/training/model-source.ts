import { loadLayersModel, modelFromTopology, type LayersModel } from '@batchwise/layers';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';

/*
 * Saved models on disk: a directory holding model.json (what `train` writes)
 * or the model.json path itself. Any problem reading it is one line.
 */

export function modelJsonPath(location: string): string {
  return existsSync(location) && statSync(location).isDirectory() ? join(location, 'model.json') : location;
}

export async function loadSavedModel(location: string): Promise<LayersModel> {
  const file = modelJsonPath(location);
  if (!existsSync(file)) throw new CliError(describeFileError(file, Object.assign(new Error(), { code: 'ENOENT' })));
  try {
    return await loadLayersModel(file);
  } catch (e) {
    throw new CliError(`${file}: cannot load the model: ${oneLine(e).replace(/^loadLayersModel: /, '')}`);
  }
}

/** A topology file is read whole; real ones are kilobytes. */
const MAX_TOPOLOGY_BYTES = 16 * 1024 * 1024;

/** A fresh model from a model.json topology (its weights, if any, are not read): any model the library loads. */
export async function modelFromFile(file: string, seed: number): Promise<LayersModel> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(describeFileError(file, e));
  });
  if (!info.isFile()) throw new CliError(`${file}: must be a model.json file, received ${info.isDirectory() ? 'a directory' : 'something that is not a regular file'}`);
  if (info.size > MAX_TOPOLOGY_BYTES) throw new CliError(`${file}: a model.json topology must be at most ${MAX_TOPOLOGY_BYTES} bytes, received ${info.size}`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${oneLine(e)})`);
  }
  try {
    return modelFromTopology(json, { seed });
  } catch (e) {
    throw new CliError(`${file}: cannot build the model: ${oneLine(e).replace(/^modelFromTopology: /, '')}`);
  }
}


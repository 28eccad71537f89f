import { loadLayersModel, type LayersModel } from '@batchwise/layers';
import { existsSync, statSync } from 'node:fs';
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

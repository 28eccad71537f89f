import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../data/image-data.js';

/**
 * The dataset a saved run was trained on, read from the metadata of the
 * newest checkpoint that `batchwise train` writes next to model.json; null
 * for models from elsewhere. Lets `evaluate`/`predict` default to the right
 * class names.
 */
export function trainedDataset(modelLocation: string): DatasetName | null {
  const dir = existsSync(modelLocation) && statSync(modelLocation).isDirectory() ? modelLocation : dirname(modelLocation);
  const checkpoints = join(dir, 'checkpoint');
  try {
    const newest = readdirSync(checkpoints).filter((n) => /^gen-\d{8}$/.test(n)).sort().reverse();
    for (const gen of newest) {
      const dataset = (JSON.parse(readFileSync(join(checkpoints, gen, 'state.json'), 'utf8')) as { metadata?: { dataset?: string } }).metadata?.dataset;
      if (dataset && (DATASET_NAMES as readonly string[]).includes(dataset)) return dataset as DatasetName;
    }
  } catch {
    // No checkpoint, or not ours: fall through to the flag's default.
  }
  return null;
}

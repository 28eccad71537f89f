import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../data/image-data.js';

/**
 * The dataset a saved run was trained on, read from the checkpoint that
 * `batchwise train` writes next to model.json; null for models from
 * elsewhere. Lets `evaluate`/`predict` default to the right class names.
 */
export function trainedDataset(modelLocation: string): DatasetName | null {
  const dir = existsSync(modelLocation) && statSync(modelLocation).isDirectory() ? modelLocation : dirname(modelLocation);
  for (const file of [join(dir, 'checkpoint', 'state.json'), join(dir, 'state.json')]) {
    try {
      const dataset = (JSON.parse(readFileSync(file, 'utf8')) as { settings?: { dataset?: string } }).settings?.dataset;
      if (dataset && (DATASET_NAMES as readonly string[]).includes(dataset)) return dataset as DatasetName;
    } catch {
      // No checkpoint, or not ours: fall through to the flag's default.
    }
  }
  return null;
}

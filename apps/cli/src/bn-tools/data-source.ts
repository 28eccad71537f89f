import { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { DATASET_NAMES, loadImageData, type DatasetName, type Split } from '../data/image-data.js';
import { readCsvRows } from '../io/csv-matrix.js';
import { toModelInput } from '../io/model-input.js';
import { checkModelInput } from '../training/input-check.js';

/*
 * `--data` of inspect and recalibrate: a dataset name (its --split, default
 * train: the population the moving statistics estimate) or a CSV file of
 * inputs with a header, one example per row, as `predict --csv` reads it.
 */

export interface DataSource {
  /** 'fashion-mnist train (60000 examples)' or the CSV path. */
  label: string;
  x: Tensor;
  /** For datasets: the labels, one-hot, to measure accuracy. */
  oneHot: Tensor | null;
  dataset: DatasetName | null;
}

export const DATA_HELP = `${DATASET_NAMES.join(', ')} (with --split), or a CSV file of inputs with a header row`;

function firstRows(t: Tensor, n: number): Tensor {
  if (t.shape[0] <= n) return t;
  return new Tensor(t.data.subarray(0, n * (t.size / t.shape[0])), [n, ...t.shape.slice(1)]);
}

export async function loadDataSource(spec: string, split: Split, limit: number | undefined, model: LayersModel, modelLabel: string): Promise<DataSource> {
  let source: DataSource;
  if ((DATASET_NAMES as readonly string[]).includes(spec)) {
    const data = loadImageData(spec as DatasetName, split, limit);
    source = { label: `${spec} ${split}`, x: data.images, oneHot: data.oneHot, dataset: spec as DatasetName };
  } else {
    const rows = await readCsvRows(spec);
    const x = toModelInput(model.inputs[0].shape.slice(1) as (number | null)[], rows.features, spec);
    source = { label: spec, x: limit === undefined ? x : firstRows(x, limit), oneHot: null, dataset: null };
  }
  checkModelInput(model, source.x, modelLabel);
  return { ...source, label: `${source.label} (${source.x.shape[0]} examples)` };
}

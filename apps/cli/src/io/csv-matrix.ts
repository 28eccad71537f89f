import { Tensor } from '@batchwise/core';
import { loadCsv, tokenizeCsv } from '@batchwise/datasets';
import { readFileSync } from 'node:fs';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';

/*
 * Rows to predict from a CSV file with a header. With `target`, the
 * @batchwise/datasets loader reads features and labels (and reports every bad
 * row). Without one, every column is a feature: the datasets loader requires
 * a target, so the rows are tokenized with its tokenizer and checked here.
 */

export interface CsvRows {
  features: Tensor;
  /** Present when a target column was named. */
  target: Float32Array | null;
  columns: readonly string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function readCsvRows(path: string, target?: string): CsvRows {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(describeFileError(path, e));
  }
  if (target !== undefined) {
    try {
      const ds = loadCsv(path, { target });
      return { features: ds.features, target: ds.target.data, columns: ds.featureNames };
    } catch (e) {
      throw new CliError(oneLine(e));
    }
  }
  const records = tokenizeCsv(text, ',');
  if (records.length < 2) throw new CliError(`${path}: expected a header row and at least one data row`);
  const [header, ...rows] = records;
  const width = header.fields.length;
  const data = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    if (r.error) throw new CliError(`${path}:${r.line}: ${r.error}`);
    if (r.fields.length !== width) throw new CliError(`${path}:${r.line}: expected ${width} fields like the header, received ${r.fields.length}`);
    r.fields.forEach((f, j) => {
      const v = f.trim();
      if (!NUMBER.test(v)) throw new CliError(`${path}:${r.line}: column '${header.fields[j]}' must be a number, received '${f}'`);
      data[i * width + j] = Number(v);
    });
  });
  return { features: new Tensor(data, [rows.length, width]), target: null, columns: header.fields };
}

import { Tensor } from '@batchwise/core';
import { float32FieldProblem, parseCsv, quoted, tokenizeCsv } from '@batchwise/datasets';
import { readRegularTextFile } from '@batchwise/layers/node';
import { CliError, describeFileError, fileCliError, oneLine } from '../cli/errors.js';
import { limit, raiseHint } from '../cli/limits.js';

/*
 * Rows to predict from a CSV file with a header. With `target`, the
 * @batchwise/datasets parser reads features and labels (and reports every bad
 * row). Without one, every column is a feature: the datasets parser requires
 * a target, so the rows are tokenized with its tokenizer and checked here
 * with its field rule (decimal, within float32). The file is read as a
 * regular file of at most maxCsvBytes (cli/limits.ts).
 */

export interface CsvRows {
  features: Tensor;
  /** Present when a target column was named. */
  target: Float32Array | null;
  columns: readonly string[];
  /** Physical line of each row, for messages. */
  lines: readonly number[];
}

async function readCsvText(path: string): Promise<string> {
  const maxBytes = limit('maxCsvBytes');
  try {
    return await readRegularTextFile(path, { fn: 'read', what: 'CSV file', maxBytes, limitName: raiseHint('maxCsvBytes') });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw code === 'ENOENT' || code === 'EACCES' ? new CliError(describeFileError(path, e)) : fileCliError(e);
  }
}

export async function readCsvRows(path: string, target?: string): Promise<CsvRows> {
  const text = await readCsvText(path);
  if (target !== undefined) {
    try {
      const ds = parseCsv(text, { target, source: path });
      return { features: ds.features, target: ds.target.data, columns: ds.featureNames, lines: [...ds.lines] };
    } catch (e) {
      throw new CliError(oneLine(e).replace(/^parseCsv: /, ''));
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
      const problem = float32FieldProblem(f);
      if (problem !== undefined) throw new CliError(`${path}:${r.line}: column ${quoted(header.fields[j])} ${problem}`);
      data[i * width + j] = Number(f.trim());
    });
  });
  return { features: new Tensor(data, [rows.length, width]), target: null, columns: header.fields, lines: rows.map((r) => r.line) };
}

import { assertOneOf, describeValue, InvalidArgumentError, Tensor } from '@batchwise/core';
import { readFileSync } from 'node:fs';
import { CsvFormatError, type CsvProblem } from './errors.js';
import { tokenizeCsv } from './csv-tokenize.js';
import { float32FieldProblem, quoted } from './decimal.js';
import { checkOptions, checkString } from './options.js';
import type { TabularDataset } from './tabular.js';

export interface CsvOptions {
  /** Header name of the target column (required). */
  target: string;
  /** Header names of the feature columns, in this order; default: every column but the target. */
  features?: readonly string[];
  /** Field separator, one character other than `"`, CR or LF; default `','`. */
  delimiter?: string;
  /** `'error'` (default): throw one CsvFormatError listing every malformed row. `'skip'`: drop them and list them in `skipped`. */
  onMalformed?: 'error' | 'skip';
  /** Name used for the text in messages; `loadCsv` passes the path. Default `'csv'`. */
  source?: string;
}

/** Defaults of {@link CsvOptions}, used by the code and quoted by the docs. */
export const CSV_DEFAULTS = { delimiter: ',', onMalformed: 'error', source: 'csv' } as const;

export interface CsvDataset extends TabularDataset {
  /** Physical line (1-based, header is line 1 or later) of each kept row. */
  lines: Int32Array;
  /** Rows dropped with `onMalformed: 'skip'` (empty otherwise). */
  skipped: CsvProblem[];
}

const OPTION_KEYS = ['target', 'features', 'delimiter', 'onMalformed', 'source'] as const;
/** How many problems a thrown message quotes; all of them are in `error.problems`. */
const MESSAGE_PROBLEMS = 5;

/** Reads a CSV file (UTF-8) with {@link parseCsv}. */
export function loadCsv(path: string, options: CsvOptions): CsvDataset {
  checkString('loadCsv', 'path', path);
  return parseCsvAs('loadCsv', readFileSync(path, 'utf8'), { source: path, ...options });
}

/**
 * Parses CSV text with a header row into numeric features and a target.
 * Fields are trimmed and must be decimal numbers (`1`, `-2.5`, `3e4`) that
 * fit in float32 (`1e39` does not: it would become Infinity); only
 * the target and feature columns are checked, so other columns may hold text.
 * Quoting follows RFC 4180 (see `tokenizeCsv`); LF, CRLF and CR line ends.
 * A malformed row (wrong field count, a non-numeric or empty value, bad
 * quoting) is reported by its physical line number.
 */
export function parseCsv(text: string, options: CsvOptions): CsvDataset {
  return parseCsvAs('parseCsv', text, options);
}

/** `parseCsv` with the public function name used in its messages. */
function parseCsvAs(fn: string, text: string, options: CsvOptions): CsvDataset {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${fn}: text must be a string, received ${describeValue(text)}.`);
  const o = checkOptions(fn, options, OPTION_KEYS);
  checkString(fn, 'target', o.target);
  const delimiter = o.delimiter ?? CSV_DEFAULTS.delimiter;
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
    throw new InvalidArgumentError(`${fn}: delimiter must be one character other than '"', CR or LF, received ${describeValue(delimiter)}.`);
  }
  const onMalformed = o.onMalformed ?? CSV_DEFAULTS.onMalformed;
  assertOneOf(fn, 'onMalformed', onMalformed, ['error', 'skip']);
  const source = o.source ?? CSV_DEFAULTS.source;
  checkString(fn, 'source', source);

  const [header, ...rows] = tokenizeCsv(text, delimiter);
  if (header === undefined) throw new CsvFormatError(`${fn}: ${source} must have a header row, received no lines.`, []);
  const columns = checkHeader(fn, source, header.line, header.fields, header.error);
  const targetIndex = findColumn(fn, 'target', o.target, columns);
  const featureNames = o.features === undefined ? columns.filter((_, c) => c !== targetIndex) : checkFeatures(fn, o.features, o.target);
  const featureIndex = featureNames.map((name) => findColumn(fn, 'features', name, columns));
  if (featureNames.length === 0) throw new InvalidArgumentError(`${fn}: features must name at least one column, received none.`);

  const used = [...featureIndex, targetIndex];
  const values = new Float32Array(rows.length * used.length);
  const lines: number[] = [];
  const problems: CsvProblem[] = [];
  for (const row of rows) {
    const problem = rowProblem(row.fields, row.error, columns, used);
    if (problem !== undefined) {
      problems.push({ line: row.line, message: problem });
      continue;
    }
    const base = lines.length * used.length;
    used.forEach((c, k) => (values[base + k] = Number(row.fields[c].trim())));
    lines.push(row.line);
  }
  if (problems.length > 0 && onMalformed === 'error') {
    const shown = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `line ${p.line}: ${p.message}`).join('; ');
    const more = problems.length > MESSAGE_PROBLEMS ? `; and ${problems.length - MESSAGE_PROBLEMS} more` : '';
    throw new CsvFormatError(`${fn}: ${source} must have well-formed numeric rows, received ${problems.length} malformed: ${shown}${more}.`, problems);
  }
  if (lines.length === 0) throw new CsvFormatError(`${fn}: ${source} must have at least one data row, received none.`, problems);
  return { ...splitColumns(values, lines.length, featureNames.length), featureNames, targetName: o.target, lines: Int32Array.from(lines), skipped: problems };
}

function checkHeader(fn: string, source: string, line: number, fields: string[], error: string | undefined): string[] {
  const fail = (message: string) => {
    throw new CsvFormatError(`${fn}: ${source} header on line ${line} ${message}.`, [{ line, message }]);
  };
  if (error !== undefined) fail(`is malformed: ${error}`);
  const names = fields.map((f) => f.trim());
  const empty = names.indexOf('');
  if (empty >= 0) fail(`must name every column, received an empty name for column ${empty + 1}`);
  const dup = names.find((name, k) => names.indexOf(name) !== k);
  if (dup !== undefined) fail(`must have unique column names, received ${quoted(dup)} twice`);
  return names;
}

function checkFeatures(fn: string, features: unknown, target: string): string[] {
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw new InvalidArgumentError(`${fn}: features must be an array of column names, received ${describeValue(features)}.`);
  }
  if (features.includes(target)) throw new InvalidArgumentError(`${fn}: features must not include the target '${target}', received ${describeValue(features)}.`);
  if (new Set(features).size !== features.length) throw new InvalidArgumentError(`${fn}: features must not repeat a column, received ${describeValue(features)}.`);
  return features as string[];
}

function findColumn(fn: string, option: string, name: string, columns: string[]): number {
  const index = columns.indexOf(name);
  if (index < 0) {
    throw new InvalidArgumentError(`${fn}: ${option} must name a header column (${columns.map(quoted).join(', ')}), received ${quoted(name)}.`);
  }
  return index;
}

function rowProblem(fields: string[], syntax: string | undefined, columns: string[], used: number[]): string | undefined {
  if (syntax !== undefined) return syntax;
  if (fields.length !== columns.length) return `expected ${columns.length} fields, received ${fields.length}`;
  // 1e39 is a finite double but Infinity as float32, so the range is checked too.
  const bad = used.map((c) => [c, float32FieldProblem(fields[c])] as const).filter(([, problem]) => problem !== undefined);
  if (bad.length === 0) return undefined;
  return bad.map(([c, problem]) => `column ${quoted(columns[c])} ${problem}`).join(', ');
}

function splitColumns(values: Float32Array, n: number, f: number): { features: Tensor; target: Tensor } {
  const features = new Float32Array(n * f);
  const target = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    features.set(values.subarray(r * (f + 1), r * (f + 1) + f), r * f);
    target[r] = values[r * (f + 1) + f];
  }
  return { features: new Tensor(features, [n, f]), target: new Tensor(target, [n, 1]) };
}

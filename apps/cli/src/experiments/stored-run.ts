import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, oneLine } from '../cli/errors.js';
import type { RawResult } from './common.js';

/*
 * metrics.json of a finished experiment, read back for `--from`: the raw
 * measurements, and what the run was (command, backend, duration), so a
 * report can be rebuilt without training.
 */

export interface StoredRun {
  dir: string;
  raw: RawResult;
  command: string;
  backend: string;
  seconds: number;
}

/** Reads <dir>/metrics.json (or the file itself) of experiment `name`. */
export function readStoredRun(path: string, name: string): StoredRun {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'metrics.json');
  } catch (e) {
    throw new CliError(`--from: cannot read ${path}: ${oneLine(e)}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`--from: ${file} is not a readable metrics.json: ${oneLine(e)}`);
  }
  if (json.experiment !== name) throw new CliError(`--from: ${file} holds experiment '${String(json.experiment)}', not '${name}'.`);
  const raw = json.raw as RawResult | undefined;
  const settings = json.settings as Record<string, string> | undefined;
  if (!raw || !Array.isArray(raw.settings) || raw.data === undefined || typeof json.command !== 'string' || !settings || typeof json.seconds !== 'number') {
    throw new CliError(`--from: ${file} has no raw measurements (it was written by an older batchwise); run the experiment again.`);
  }
  return { dir: dirname(file), raw, command: json.command, backend: settings.backend, seconds: json.seconds };
}

/**
 * JSON with two-space indent where it helps reading (objects), and arrays of
 * numbers, strings or nulls on one line: a curve of 100 points is one line,
 * not 100. Non-finite numbers become null, as JSON.stringify makes them.
 */
export function compactJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\s*\n([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => `[${inner.split('\n').map((l) => l.trim()).join(' ')}]`)}\n`;
}

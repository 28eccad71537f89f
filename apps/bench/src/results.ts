import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Results are written next to the printed table: <name>-<date>.json with
 * every sample and <name>-<date>.md with the tables, in apps/bench/results/.
 */

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** 2026-11-25T0212: sortable, and safe in file names. */
export function stamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace(':', '');
}

export async function writeResults(name: string, date: Date, json: unknown, markdown: string, dir = RESULTS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${name}-${stamp(date)}`);
  await writeFile(`${base}.json`, JSON.stringify(json, null, 2) + '\n');
  await writeFile(`${base}.md`, markdown + '\n');
  return [`${base}.json`, `${base}.md`];
}

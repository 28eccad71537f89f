import { fileURLToPath } from 'node:url';

/*
 * Runs are written to apps/bench/results/ as <name>-<date>.json, .md, .html
 * and one .svg per chart (see run/write.ts), unless --json names the file.
 */

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** 2026-11-25T0212: sortable, and safe in file names. */
export function stamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace(':', '');
}

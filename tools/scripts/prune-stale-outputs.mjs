import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Removes build outputs whose sources are gone: tsc never deletes the output
 * of a deleted source file, and turbo caches dist/ as it finds it, so a
 * long-lived checkout would pack modules that no longer exist. A source map
 * all of whose sources are missing marks its file as stale.
 */
export function pruneStaleOutputs(dir) {
  let removed = 0;
  if (!existsSync(dir)) return removed;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      removed += pruneStaleOutputs(path);
      continue;
    }
    if (!entry.name.endsWith('.map')) continue;
    const { sources = [], sourceRoot = '' } = JSON.parse(readFileSync(path, 'utf8'));
    if (sources.length === 0 || sources.some((s) => existsSync(resolve(dir, sourceRoot, s)))) continue;
    rmSync(path);
    rmSync(path.slice(0, -'.map'.length), { force: true });
    removed += 1;
  }
  return removed;
}

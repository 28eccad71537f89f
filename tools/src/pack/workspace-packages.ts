import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The packages a user can install: every workspace package (the folders
 * pnpm-workspace.yaml lists) whose package.json is not private. A new
 * package is picked up by pack-all without being named anywhere.
 */

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Absolute folder. */
  dir: string;
  /** The tarball file name pnpm pack writes: `@batchwise/core` 0.1.0 -> `batchwise-core-0.1.0.tgz`. */
  tarball: string;
}

/** The `packages:` globs of pnpm-workspace.yaml (`dir/*` or `dir`), read from its simple list form. */
export function workspaceGlobs(root: string): string[] {
  const text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of text.split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const m = /^\s*-\s*["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
      if (m) globs.push(m[1]);
    }
  }
  return globs;
}

function folders(root: string, glob: string): string[] {
  if (!glob.endsWith('/*')) return [join(root, glob)];
  const parent = join(root, glob.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(parent, d.name));
}

/** Every non-private workspace package, sorted by name. */
export function publishablePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const glob of workspaceGlobs(root)) {
    for (const dir of folders(root, glob)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean };
      if (pkg.private) continue;
      found.push({ name: pkg.name, version: pkg.version, dir, tarball: `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz` });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

import { dirname, join, normalize } from 'node:path/posix';
import type { TarballContents } from './tarball-contents.js';

/*
 * What every package tarball must satisfy, checked on the packed file: the
 * rules of issue 13. Each problem is one line naming the file.
 */

/** Files that belong to the repository, never to a published package. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/(^|\/)(test|tests|__tests__|coverage|node_modules|\.turbo)\//, 'a test, coverage, dependency or turbo cache file'],
  [/\.tsbuildinfo$/, 'a TypeScript build-info file'],
  [/\.test\.[cm]?[jt]sx?$/, 'a test file'],
  [/(^|\/)(tsconfig(\.[\w-]+)?\.json|vitest\.config\.[cm]?[jt]s)$/, 'a build or test config of the repository'],
];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

interface Manifest {
  name?: string;
  exports?: unknown;
  imports?: unknown;
  bin?: string | Record<string, string>;
  files?: string[];
  [field: string]: unknown;
}

/** Every file path an `exports` value names (conditions walked, patterns with `*` left out). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('*') ? [] : [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

/** Condition objects (`{ types, import, ... }`) in `exports`, with their subpath. */
function conditionObjects(exportsField: unknown, at = '.'): [string, Record<string, unknown>][] {
  if (!exportsField || typeof exportsField !== 'object') return [];
  const entries = Object.entries(exportsField as Record<string, unknown>);
  if (entries.every(([k]) => k.startsWith('.'))) {
    return entries.flatMap(([k, v]) => conditionObjects(v, k));
  }
  return [[at, exportsField as Record<string, unknown>]];
}

const clean = (p: string): string => normalize(p).replace(/^\.\//, '');

function has(contents: TarballContents, path: string): boolean {
  const p = clean(path);
  if (contents.has(p)) return true;
  const prefix = p.endsWith('/') ? p : `${p}/`;
  for (const key of contents.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** Problems with one tarball's contents; `license` is the repository's LICENSE text. */
export function checkTarball(contents: TarballContents, license: string): string[] {
  const problems: string[] = [];
  const manifestText = contents.get('package.json')?.text;
  if (manifestText === undefined) return ['package.json is missing'];
  const manifest = JSON.parse(manifestText) as Manifest;

  const licenseText = contents.get('LICENSE')?.text;
  if (licenseText === undefined) problems.push('LICENSE is missing');
  else if (licenseText !== license) problems.push("LICENSE differs from the repository's LICENSE");
  if (!contents.has('README.md')) problems.push('README.md is missing');

  for (const path of contents.keys()) {
    const rule = FORBIDDEN.find(([pattern]) => pattern.test(path));
    if (rule) problems.push(`${path} is ${rule[1]}`);
  }

  for (const field of DEPENDENCY_FIELDS) {
    const deps = (manifest[field] ?? {}) as Record<string, string>;
    for (const [dep, range] of Object.entries(deps)) {
      if (range.startsWith('workspace:')) problems.push(`package.json ${field}.${dep} is '${range}': it was not packed by pnpm`);
    }
  }

  for (const target of exportTargets(manifest.exports)) {
    if (!has(contents, target)) problems.push(`exports names ${target}, which is not in the tarball (not built?)`);
  }
  // Private `#name` imports choose a module by condition (the Node-only file code of layers and conformance).
  for (const target of exportTargets(manifest.imports)) {
    if (target.startsWith('.') && !has(contents, target)) problems.push(`imports names ${target}, which is not in the tarball (not built?)`);
  }
  for (const [subpath, conditions] of conditionObjects(manifest.exports)) {
    if ('import' in conditions && !('default' in conditions) && !('require' in conditions)) {
      problems.push(`exports['${subpath}'] has 'import' but no 'default' or 'require': require() cannot load it`);
    }
  }
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) {
    const entry = contents.get(clean(bin));
    if (!entry) problems.push(`bin ${bin} is not in the tarball`);
    else if ((entry.mode & 0o111) === 0) problems.push(`bin ${bin} is not executable (mode ${entry.mode.toString(8)})`);
  }
  for (const file of manifest.files ?? []) {
    if (!file.startsWith('!') && !file.includes('*') && !has(contents, file)) problems.push(`files lists ${file}, which is not in the tarball`);
  }

  for (const [path, entry] of contents) {
    if (!path.endsWith('.map') || entry.text === undefined) continue;
    let map: { sources?: string[]; sourceRoot?: string };
    try {
      map = JSON.parse(entry.text) as typeof map;
    } catch {
      problems.push(`${path} is not valid JSON`);
      continue;
    }
    for (const source of map.sources ?? []) {
      const resolved = clean(join(dirname(path), map.sourceRoot ?? '', source));
      if (!contents.has(resolved)) problems.push(`${path} points to ${source}, which is not in the tarball`);
    }
  }
  return problems;
}

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorCode } from '../file-error.js';

/*
 * Where a path written inside a model file really leads. A weights manifest
 * may only name files inside the model's directory, after every symbolic
 * link is followed: `../../secret.txt`, `/etc/passwd` and a link to either
 * are refused alike. The answer for a path that leads outside is the same
 * whether or not its target exists, so a model file cannot probe for files
 * elsewhere through our error messages.
 */

export type Containment =
  | { kind: 'inside'; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'outside' };

/** Symbolic links followed before giving up, as Linux's own limit (MAXSYMLINKS). */
const MAX_LINKS = 40;

/** True when `p` is `root` or below it (both absolute and resolved). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * The real path `p` would have: realpath when it exists; otherwise the real
 * path of its deepest existing ancestor with the rest appended, following a
 * dangling link to where it points. Null past MAX_LINKS links (a loop).
 */
async function wouldBeRealPath(p: string, links = 0): Promise<{ path: string; exists: boolean } | null> {
  if (links > MAX_LINKS) return null;
  try {
    return { path: await fs.realpath(p), exists: true };
  } catch (e) {
    if (!['ENOENT', 'ENOTDIR'].includes(errorCode(e) ?? '')) return null;
  }
  const st = await fs.lstat(p).catch(() => null);
  const parent = path.dirname(p);
  if (parent === p) return { path: p, exists: false };
  const realParent = await wouldBeRealPath(parent, links);
  if (realParent === null) return null;
  if (st?.isSymbolicLink()) {
    const target = await fs.readlink(p).catch(() => null);
    if (target === null) return null;
    const next = await wouldBeRealPath(path.resolve(realParent.path, target), links + 1);
    return next === null ? null : { path: next.path, exists: false };
  }
  return { path: path.join(realParent.path, path.basename(p)), exists: false };
}

/**
 * Resolves `relative` (a path from a manifest) against `root` (a directory's
 * real path). Absolute paths, NUL bytes and URLs with a scheme are outside by
 * definition.
 */
export async function resolveInside(root: string, relative: string): Promise<Containment> {
  if (relative === '' || relative.includes('\0') || path.isAbsolute(relative) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(relative)) return { kind: 'outside' };
  const lexical = path.resolve(root, relative);
  if (!isInside(root, lexical)) return { kind: 'outside' };
  const real = await wouldBeRealPath(lexical);
  if (real === null || !isInside(root, real.path)) return { kind: 'outside' };
  return real.exists ? { kind: 'inside', path: real.path } : { kind: 'missing', path: lexical };
}

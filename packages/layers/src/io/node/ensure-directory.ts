import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FileError, errorCode, fileError, kindOf } from '../file-error.js';

/**
 * Creates `dir` and its missing parents, like `mkdir -p`, and checks that it
 * is a directory. Never `fs.mkdir(dir, { recursive: true })`: on Node 20 it
 * loops forever where mkdir fails with ENOENT under an existing parent
 * (`/proc/self/x`), which made `--out /proc/self` hang.
 */
export async function ensureDirectory(fn: string, dir: string): Promise<void> {
  const missing: string[] = [];
  let at = path.resolve(dir);
  // Walk up to the deepest existing ancestor: one stat per component, so this ends.
  for (;;) {
    const st = await fs.stat(at).catch((e: unknown) => {
      // ENOTDIR: an ancestor is a file; walking up finds it and names it.
      if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return null;
      throw fileError(fn, 'use directory', at, e);
    });
    if (st !== null) {
      if (!st.isDirectory()) {
        throw new FileError(`${fn}: ${at} must be a directory, received ${kindOf(st)}.`, at, 'ENOTDIR');
      }
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing.reverse()) {
    await fs.mkdir(d).catch(async (e: unknown) => {
      // Someone else may have made it meanwhile; that is fine if it is a directory.
      if (errorCode(e) === 'EEXIST' && (await fs.stat(d).catch(() => null))?.isDirectory()) return;
      throw fileError(fn, 'create directory', d, e);
    });
  }
}

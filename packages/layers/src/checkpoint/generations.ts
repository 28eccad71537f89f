import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { syncDirectory } from '../io/node/atomic-write.js';
import { ensureDirectory } from '../io/node/ensure-directory.js';

/*
 * A checkpoint directory holds generations: `gen-00000001/`, `gen-00000002/`,
 * each a complete checkpoint. A new one is written into a fresh temporary
 * directory (random name, created exclusively; files with io/node's
 * writeNewFile), flushed, then renamed to the
 * next generation name: a rename is atomic, so at every instant each
 * generation is either complete or absent. Older generations are removed only
 * after their successor is in place, and readers take the newest generation
 * that loads, so a crash at any point leaves the last good checkpoint.
 */

const GENERATION = /^gen-(\d{8})$/;
const TEMP_PREFIX = '.tmp-';

export interface Generation {
  number: number;
  dir: string;
}

/** Generations in `root`, newest first. */
export async function listGenerations(root: string): Promise<Generation[]> {
  const names = await fs.readdir(root).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  return names
    .map((name) => ({ m: GENERATION.exec(name), name }))
    .filter((g) => g.m !== null)
    .map((g) => ({ number: Number(g.m![1]), dir: path.join(root, g.name) }))
    .sort((a, b) => b.number - a.number);
}

/**
 * Writes a new generation: `fill(tempDir)` writes its files, then the directory
 * becomes `gen-<n+1>` and all but the newest `keep` generations are removed.
 * Returns the new generation's path.
 */
export async function writeGeneration(root: string, fill: (dir: string) => Promise<void>, keep: number): Promise<string> {
  await ensureDirectory('saveCheckpoint', root);
  const stat = await fs.lstat(root);
  if (!stat.isDirectory()) throw new Error(`${root} must be a directory, received ${stat.isSymbolicLink() ? 'a symbolic link' : 'a file'}`);
  const temp = await fs.mkdtemp(path.join(root, TEMP_PREFIX));
  try {
    await fill(temp);
    await syncDirectory(temp);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true });
    throw e;
  }
  const existing = await listGenerations(root);
  const final = path.join(root, `gen-${String((existing[0]?.number ?? 0) + 1).padStart(8, '0')}`);
  // Renaming onto an existing non-empty directory fails (ENOTEMPTY): a generation is never overwritten.
  await fs.rename(temp, final);
  await syncDirectory(root);
  for (const old of existing.slice(Math.max(keep - 1, 0))) await fs.rm(old.dir, { recursive: true, force: true });
  await removeLeftovers(root, path.basename(temp));
  return final;
}

/** Temporary directories of saves that crashed (one writer per checkpoint directory is assumed). */
async function removeLeftovers(root: string, except: string): Promise<void> {
  for (const name of await fs.readdir(root)) {
    if (name.startsWith(TEMP_PREFIX) && name !== except) await fs.rm(path.join(root, name), { recursive: true, force: true });
  }
}

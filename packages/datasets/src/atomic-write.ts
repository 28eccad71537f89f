import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * Replaces a file so that a reader sees the old one or the whole new one,
 * never half: the data goes to a temporary file in the target's folder, then
 * is renamed over it. The temporary is created exclusively (O_CREAT | O_EXCL,
 * which also refuses a symbolic link planted under its name) with a random
 * name, as @batchwise/layers' writeFileAtomic does; that one is asynchronous
 * and lives in a package datasets does not depend on, while dataset loading is
 * synchronous. Nothing is flushed to the disk: every writer here keeps a cache
 * that is verified on each read and rebuilt when damaged, so a power cut costs
 * a rebuild, never wrong data.
 */

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A fresh temporary name: the writer's pid and 64 random bits (so it cannot be guessed), in layers' pattern. */
function temporaryName(): string {
  return `.batchwise-${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
}

/** Exactly the names temporaryName() makes; group 1 is the writer's pid. */
const TEMPORARY_NAME = /^\.batchwise-(\d+)-[0-9a-f]{16}\.tmp$/;

/**
 * Whether a writer with this pid may still be running here: a stopped one
 * (SIGSTOP, a debugger) is, however old its file. A pid of another user's
 * process (EPERM) counts as running. Only a pid no process has (ESRCH) is gone;
 * a writer on another host sharing the folder is judged by age alone.
 */
function mayBeRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Age after which a temporary counts as left by a writer that died mid-write
 * (killed, or the machine stopped): a live writer touches its file with every
 * part, and writing even the largest cache takes seconds, not minutes.
 */
export const STALE_TEMPORARY_MS = 15 * 60 * 1000;

/**
 * Removes the temporaries of writeFileAtomicSync that a killed writer left in
 * `dir` (a 55 MB one per kill, otherwise kept forever): regular files directly
 * in `dir` whose name is exactly one this helper makes, whose writer's process
 * is gone (no process has its pid) and that were last written more than
 * `maxAgeMs` ago. Nothing else: no other name, no folder,
 * no symbolic link (itself or what it points to, wherever it was planted), no
 * subfolder. Best effort: a file that cannot be examined or removed is left,
 * and a missing `dir` is no error. Returns the names removed.
 */
export function sweepStaleTemporaries(dir: string, maxAgeMs = STALE_TEMPORARY_MS, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match || mayBeRunning(Number(match[1]))) continue;
    const path = join(dir, name);
    try {
      // lstat: a symbolic link is judged as a link (never a regular file), never followed.
      const st = lstatSync(path);
      if (!st.isFile() || now - st.mtimeMs <= maxAgeMs) continue;
      // unlink removes a name, never what a link names: if the file was swapped
      // for a link since the lstat, the link goes, its target stays.
      unlinkSync(path);
      removed.push(name);
    } catch {
      // Gone already (another sweeper), or not ours to remove: leave it.
    }
  }
  return removed;
}

/** Replaces `path` with `parts`, written one after another (no concatenated copy); creates missing parent folders. */
export function writeFileAtomicSync(path: string, parts: readonly Uint8Array[]): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, temporaryName());
  // Opened exclusively: if that fails, the name is someone else's file, never removed here.
  const fd = openSync(temp, WRITE_FLAGS, 0o666);
  try {
    try {
      for (const part of parts) writeAll(fd, part);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The write's own error is the one to report.
    }
    throw e;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

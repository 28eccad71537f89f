import { randomBytes } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
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

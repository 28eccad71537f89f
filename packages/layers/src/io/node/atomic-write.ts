import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ensureDirectory } from './ensure-directory.js';
import { FileError, errorCode, fileError, kindOf } from '../file-error.js';

/*
 * Writes that a crash cannot leave half done. Data goes to a temporary file
 * in the target's directory, created exclusively (O_CREAT | O_EXCL, which
 * also refuses to follow a symbolic link planted under that name) with a
 * random name, is flushed to the disk (fsync), then renamed over the target:
 * rename replaces a directory entry atomically and never follows a symbolic
 * link at the target. The directory is flushed too, so the rename itself
 * survives a power cut. A temporary left by a killed process is recognised
 * by its name (`.batchwise-<pid>-<random>.tmp`) and removed by the next
 * write into that directory once that process is gone.
 */

export type FileData = string | Uint8Array;

/** Temporaries this module writes, then those of earlier batchwise versions (model.save's and the CLI's); group 1 is the writer's pid. */
const TEMP_NAMES = [/^\.batchwise-(\d+)-[0-9a-f]{16}\.tmp$/, /^(?:model\.json|group\d+-shard\d+of\d+\.bin)\.tmp-(\d+)-\d+$/, /^\..+\.(\d+)\.\d+\.tmp$/];

/** A fresh temporary name: the writer's pid (to tell stale leftovers) and 64 random bits (so it cannot be guessed). */
export function temporaryName(): string {
  return `.batchwise-${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
}

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Creates `file` exclusively (never through an existing file or symbolic link), writes all of `data` and flushes it to the disk; removes it again on failure. */
export async function writeNewFile(file: string, data: FileData): Promise<void> {
  const handle = await fs.open(file, WRITE_FLAGS, 0o666);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => {});
    await fs.rm(file, { force: true }).catch(() => {});
    throw e;
  }
  await handle.close();
}

/** Flushes a directory's entries (a rename or a new file in it). Some systems cannot open a directory for that; the data is already safe there. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY).catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync().catch((e: unknown) => {
      if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF', 'ENOTSUP'].includes(errorCode(e) ?? '')) throw e;
    });
  } finally {
    await handle.close();
  }
}

/** Refuses a target that is a directory before anything is written (rename would fail with a bare EISDIR). */
async function checkTargetIsNotDirectory(fn: string, target: string): Promise<void> {
  const st = await fs.lstat(target).catch(() => null);
  if (st?.isDirectory()) throw new FileError(`${fn}: ${target} must be a file, received ${kindOf(st)}.`, target, 'EISDIR');
}

export interface AtomicWriteOptions {
  /** Name used in error messages. Default 'writeFileAtomic'. */
  fn?: string;
}

/**
 * Replaces `file` with `data` atomically: readers and a crash see the old
 * file or the new one, never a mix. Creates missing parent directories.
 * Errors are a FileError naming `file` (never the temporary).
 */
export async function writeFileAtomic(file: string, data: FileData, options: AtomicWriteOptions = {}): Promise<void> {
  const fn = options.fn ?? 'writeFileAtomic';
  const dir = path.dirname(file);
  await ensureDirectory(fn, dir);
  await checkTargetIsNotDirectory(fn, file);
  const temp = path.join(dir, temporaryName());
  try {
    await writeNewFile(temp, data);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw fileError(fn, 'write', file, e);
  }
  await syncDirectory(dir).catch((e: unknown) => {
    throw fileError(fn, 'write', file, e);
  });
}

/** A file name for writeDirectoryAtomic: one path component, no '..'. */
function checkEntryName(fn: string, name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new FileError(`${fn}: file names must be single path components, received '${name}'.`, name, 'EINVAL');
  }
}

/**
 * Writes a whole directory at once: every file goes into a fresh temporary
 * directory beside `dir`, each is flushed, then the temporary directory is
 * renamed to `dir`. A crash leaves either no `dir` or a complete one. `dir`
 * must not exist yet (a generation is written once; give each a new name).
 */
export async function writeDirectoryAtomic(dir: string, files: Readonly<Record<string, FileData>> | ReadonlyMap<string, FileData>, options: AtomicWriteOptions = {}): Promise<void> {
  const fn = options.fn ?? 'writeDirectoryAtomic';
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
  for (const [name] of entries) checkEntryName(fn, name);
  const parent = path.dirname(path.resolve(dir));
  await ensureDirectory(fn, parent);
  const existing = await fs.lstat(dir).catch(() => null);
  if (existing !== null) throw new FileError(`${fn}: ${dir} must not exist yet, received ${kindOf(existing)}.`, dir, 'EEXIST');
  const temp = path.join(parent, temporaryName());
  try {
    await fs.mkdir(temp, 0o777);
    for (const [name, data] of entries) await writeNewFile(path.join(temp, name), data);
    await syncDirectory(temp);
    await fs.rename(temp, dir);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => {});
    throw fileError(fn, 'write directory', dir, errorCode(e) === 'ENOTEMPTY' ? Object.assign(new Error(), { code: 'EEXIST' }) : e);
  }
  await syncDirectory(parent).catch((e: unknown) => {
    throw fileError(fn, 'write directory', dir, e);
  });
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return errorCode(e) === 'ESRCH';
  }
}

/**
 * Removes temporaries in `dir` left by writers that were killed (their
 * process is gone); returns the names removed. Temporaries of live processes,
 * this one included, may still be in use and are kept.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = TEMP_NAMES.map((re) => re.exec(name)?.[1]).find((p) => p !== undefined);
    if (pid === undefined || !processIsGone(Number(pid))) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => {});
    removed.push(name);
  }
  return removed;
}

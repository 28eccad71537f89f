/*
 * File-system failures as one line naming the path and what is wrong. Node's
 * own messages name the syscall and, for a rename, only the temporary file
 * ("EISDIR: illegal operation on a directory, rename '.../x.tmp' -> ..."),
 * and an ENOSPC names no file at all.
 */

import { InvalidArgumentError } from '@batchwise/core';

/**
 * A file or directory batchwise was asked to read or write is not usable;
 * `path` and the errno `code` say which and why. An InvalidArgumentError,
 * since the path given was one that cannot be used.
 */
export class FileError extends InvalidArgumentError {
  override name = 'FileError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a parent of this path is not a directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EFBIG: 'file too large for the file system',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  EXDEV: 'not on the same file system',
  EIO: 'input/output error',
  EINVAL: 'invalid argument for this file system',
};

/** The errno code of a Node error, if any. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `<fn>: cannot <doing> <path>: <reason> (<CODE>).` */
export function fileError(fn: string, doing: string, path: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  const code = errorCode(e);
  const reason = (code && REASONS[code]) ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
  return new FileError(`${fn}: cannot ${doing} ${path}: ${reason}${code ? ` (${code})` : ''}.`, path, code);
}

/** What a stat says a path is, in words. */
export function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isSymbolicLink(): boolean }): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'an unknown kind of file';
}

import { FileError } from '@batchwise/layers';

/*
 * The two ways a command fails. Exit codes follow the BSD sysexits spirit
 * as most CLIs use it: 2 for a command line that cannot be understood (the
 * usage is printed), 1 for a well-formed request that failed (one line, no
 * stack trace: a missing file is not a bug in batchwise).
 */

/** A bad command line: unknown value, impossible combination. Exit code 2, usage printed. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A request that could not be carried out: missing or corrupt file, unavailable backend. Exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The first line of an error's message, for one-line reports on stderr. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].trim() || (e instanceof Error ? e.name : 'unknown error');
}

/** A FileError from @batchwise/layers' file helpers (it names the path) as one CLI line, without the helper's function name. */
export function fileCliError(e: unknown): unknown {
  return e instanceof FileError ? new CliError(e.message.replace(/^[\w.]+: /, '').replace(/\.$/, '')) : e;
}

/** Node's file errors carry a code; turn the common ones into a sentence naming the path. */
export function describeFileError(path: string, e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ENOENT') return `${path}: no such file or directory`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  if (code === 'EISDIR') return `${path}: is a directory, expected a file`;
  if (code === 'ENOTDIR') return `${path}: a parent of this path is not a directory`;
  return `${path}: ${oneLine(e)}`;
}

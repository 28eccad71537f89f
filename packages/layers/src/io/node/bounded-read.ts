import { constants, promises as fs } from 'node:fs';
import { FileError, fileError, kindOf } from '../file-error.js';

/*
 * Reads of files a model (or a user) names, with two guarantees: only regular
 * files are read (a device such as /dev/zero would never end, and opening a
 * FIFO for reading waits for a writer forever), and never more bytes than the
 * caller allows. The file is opened with O_NONBLOCK, so opening a FIFO returns
 * at once, and its kind and size are taken from the opened descriptor
 * (fstat), so they describe the file actually read, not whatever a path
 * named a moment earlier.
 */

export interface BoundedReadOptions {
  /** Name used in error messages. */
  fn: string;
  /** What the file is, for messages ('model.json', 'weight file'). */
  what: string;
  /** Refuse a file larger than this many bytes, before reading any of it. */
  maxBytes: number;
  /** How to say where the limit comes from ("the limit maxModelJsonBytes", "the size the manifest declares"). */
  limitName: string;
  /** Open with O_NOFOLLOW: the path has already been resolved and must not be a symbolic link now. */
  noFollow?: boolean;
}

const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function notRegular(file: string, o: BoundedReadOptions, st: Parameters<typeof kindOf>[0]): FileError {
  return new FileError(`${o.fn}: ${o.what} ${file} must be a regular file, received ${kindOf(st)}.`, file, 'EINVAL');
}

/** The bytes of a regular file of at most `maxBytes` bytes. */
export async function readRegularFile(file: string, o: BoundedReadOptions): Promise<Uint8Array> {
  const flags = READ_FLAGS | (o.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  // Opening some devices has effects of its own (a tape rewinds): look before opening, then check again on the descriptor.
  const before = await (o.noFollow ? fs.lstat(file) : fs.stat(file)).catch((e: unknown) => {
    throw fileError(o.fn, `read ${o.what}`, file, e);
  });
  if (!before.isFile()) throw notRegular(file, o, before);
  const handle = await fs.open(file, flags).catch((e: unknown) => {
    throw fileError(o.fn, `read ${o.what}`, file, e);
  });
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(file, o, st);
    if (st.size > o.maxBytes) {
      throw new FileError(`${o.fn}: ${o.what} ${file} must hold at most ${o.maxBytes} bytes (${o.limitName}), received ${st.size}.`, file, 'EFBIG');
    }
    const bytes = new Uint8Array(st.size);
    let filled = 0;
    // A file that shrinks while read ends early; one that grows is read only up to its size at open.
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (e) {
    throw fileError(o.fn, `read ${o.what}`, file, e);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** readRegularFile decoded as UTF-8 text. */
export async function readRegularTextFile(file: string, o: BoundedReadOptions): Promise<string> {
  return new TextDecoder().decode(await readRegularFile(file, o));
}

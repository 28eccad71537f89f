import { writeFileAtomic as writeAtomic } from '@batchwise/layers/node';
import { fileCliError } from '../cli/errors.js';

/*
 * Reports, checkpoints and metrics are written with @batchwise/layers' atomic
 * write (the one model.save uses): an exclusively created temporary file in
 * the same directory, flushed, then renamed over the target, so a reader (or
 * a Ctrl-C at the wrong moment) sees the old file or the new one, never half
 * of one. A failure is one line naming the file.
 */

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeAtomic(path, data, { fn: 'write' });
  } catch (e) {
    throw fileCliError(e);
  }
}

/** JSON with two-space indent and a final newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

import { list } from 'tar';

/*
 * What a package tarball holds, read with `tar` (node-tar, the npm CLI's own
 * tar implementation). Paths drop npm's `package/` prefix. The text of the
 * files the checks read (package.json, LICENSE, source maps) is kept.
 */

export interface TarballEntry {
  /** Unix permission bits. */
  mode: number;
  size: number;
  /** Set for package.json, LICENSE and *.map files. */
  text?: string;
}

export type TarballContents = Map<string, TarballEntry>;

const KEEP_TEXT = /^(package\.json|LICENSE|.*\.map)$/;

export async function readTarball(file: string): Promise<TarballContents> {
  const entries: TarballContents = new Map();
  const pending: Promise<void>[] = [];
  await list({
    file,
    onReadEntry: (entry) => {
      if (entry.type !== 'File') {
        entry.resume();
        return;
      }
      const path = entry.path.replace(/^package\//, '');
      const record: TarballEntry = { mode: entry.mode ?? 0, size: entry.size ?? 0 };
      entries.set(path, record);
      if (!KEEP_TEXT.test(path)) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      pending.push(new Promise((done) => entry.on('end', () => {
        record.text = Buffer.concat(chunks).toString('utf8');
        done();
      })));
    },
  });
  await Promise.all(pending);
  return entries;
}

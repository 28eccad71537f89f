import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from './atomic-write.js';
import { IMAGE_HEIGHT, IMAGE_PIXELS, IMAGE_WIDTH, NUM_CLASSES } from './image-sources.js';
import type { ImageSourceData } from './read-image-source.js';

/*
 * Binary cache of a parsed image dataset, little-endian:
 *
 *   offset  size  field
 *        0     4  magic "BWDS"
 *        4     4  u32 format version (CACHE_FORMAT_VERSION)
 *        8     4  u32 record count n
 *       12     4  u32 height (28)
 *       16     4  u32 width (28)
 *       20     4  u32 number of classes (10)
 *       24    32  sha256 fingerprint of the npm source (package version, file sizes)
 *       56    32  sha256 of the payload
 *       88     n  u8 labels
 *     88+n 784*n  u8 grey levels, record after record, row-major 28x28
 *
 * The file size must equal 88 + 785n exactly; any mismatch, a wrong magic or
 * version, or a payload checksum mismatch marks the file corrupt.
 */

export const CACHE_MAGIC = 'BWDS';
/** Bump when the layout or the decoding of the sources changes. */
export const CACHE_FORMAT_VERSION = 1;
export const CACHE_HEADER_BYTES = 88;

export type CacheRead =
  | { status: 'hit'; data: ImageSourceData }
  | { status: 'missing' }
  | { status: 'stale' }
  | { status: 'corrupt'; reason: string };

/** Reads and fully verifies a cache file; never throws for a bad file, reports why instead. */
export function readImageCache(path: string, fingerprint: Buffer): CacheRead {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
    // Unreadable (permissions, I/O error): parse the source instead of failing the load.
    return { status: 'corrupt', reason: `unreadable (${(e as Error).message})` };
  }
  if (buf.length < CACHE_HEADER_BYTES) return { status: 'corrupt', reason: `${buf.length} bytes is shorter than the header` };
  if (buf.toString('latin1', 0, 4) !== CACHE_MAGIC) return { status: 'corrupt', reason: 'wrong magic' };
  const version = buf.readUInt32LE(4);
  // Another format version is not damage, just an older build: rebuild quietly.
  if (version !== CACHE_FORMAT_VERSION) return { status: 'stale' };
  const n = buf.readUInt32LE(8);
  const dims = [buf.readUInt32LE(12), buf.readUInt32LE(16), buf.readUInt32LE(20)];
  if (dims[0] !== IMAGE_HEIGHT || dims[1] !== IMAGE_WIDTH || dims[2] !== NUM_CLASSES) {
    return { status: 'corrupt', reason: `header dims [${dims.join(',')}]` };
  }
  const want = CACHE_HEADER_BYTES + n * (1 + IMAGE_PIXELS);
  if (buf.length !== want) return { status: 'corrupt', reason: `size ${buf.length} bytes, expected ${want} for ${n} records` };
  if (!buf.subarray(24, 56).equals(fingerprint)) return { status: 'stale' };
  const payload = buf.subarray(CACHE_HEADER_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(buf.subarray(56, 88))) {
    return { status: 'corrupt', reason: 'payload checksum mismatch' };
  }
  const labels = new Uint8Array(buf.buffer, buf.byteOffset + CACHE_HEADER_BYTES, n);
  for (let i = 0; i < n; i++) {
    if (labels[i] >= NUM_CLASSES) return { status: 'corrupt', reason: `label ${labels[i]} of record ${i} outside 0..9` };
  }
  const pixels = new Uint8Array(buf.buffer, buf.byteOffset + CACHE_HEADER_BYTES + n, n * IMAGE_PIXELS);
  return { status: 'hit', data: { labels, pixels, count: n } };
}

/**
 * Writes the cache atomically (writeFileAtomicSync), so a concurrent reader
 * sees the old file or the whole new one, never half.
 */
export function writeImageCache(path: string, fingerprint: Buffer, data: ImageSourceData): void {
  const header = Buffer.alloc(CACHE_HEADER_BYTES);
  header.write(CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(CACHE_FORMAT_VERSION, 4);
  header.writeUInt32LE(data.count, 8);
  header.writeUInt32LE(IMAGE_HEIGHT, 12);
  header.writeUInt32LE(IMAGE_WIDTH, 16);
  header.writeUInt32LE(NUM_CLASSES, 20);
  fingerprint.copy(header, 24);
  createHash('sha256').update(data.labels).update(data.pixels).digest().copy(header, 56);
  // Three parts instead of one concatenated buffer: no 55 MB copy.
  writeFileAtomicSync(path, [header, data.labels, data.pixels]);
}

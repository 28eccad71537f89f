import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_HEADER_BYTES, readImageCache, writeImageCache } from '../src/image-cache.js';
import type { ImageSourceData } from '../src/read-image-source.js';

const FINGERPRINT = Buffer.alloc(32, 0xab);

function sample(n: number): ImageSourceData {
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31) & 255;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { pixels, labels, count: n };
}

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bw-cache-'));
  path = join(dir, 'nested', 'x.bin');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('image cache', () => {
  it('round-trips labels and pixels and leaves no temp file', () => {
    const data = sample(13);
    writeImageCache(path, FINGERPRINT, data);
    const read = readImageCache(path, FINGERPRINT);
    expect(read.status).toBe('hit');
    if (read.status !== 'hit') return;
    expect(read.data.count).toBe(13);
    expect(Buffer.from(read.data.labels).equals(Buffer.from(data.labels))).toBe(true);
    expect(Buffer.from(read.data.pixels).equals(Buffer.from(data.pixels))).toBe(true);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['x.bin']);
    expect(readFileSync(path).length).toBe(CACHE_HEADER_BYTES + 13 * 785);
  });

  it('reports a missing file', () => {
    expect(readImageCache(path, FINGERPRINT)).toEqual({ status: 'missing' });
  });

  it('reports another source fingerprint as stale', () => {
    writeImageCache(path, FINGERPRINT, sample(3));
    expect(readImageCache(path, Buffer.alloc(32, 1))).toEqual({ status: 'stale' });
  });

  it('reports another format version as stale', () => {
    writeImageCache(path, FINGERPRINT, sample(3));
    const buf = readFileSync(path);
    buf.writeUInt32LE(999, 4);
    writeFileSync(path, buf);
    expect(readImageCache(path, FINGERPRINT)).toEqual({ status: 'stale' });
  });

  const corruptions: [string, (buf: Buffer) => Buffer, string][] = [
    ['a flipped pixel byte', (b) => (b[b.length - 1] ^= 1, b), 'payload checksum mismatch'],
    ['a flipped label byte', (b) => (b[CACHE_HEADER_BYTES] ^= 1, b), 'payload checksum mismatch'],
    ['a truncated payload', (b) => b.subarray(0, b.length - 100), `size ${CACHE_HEADER_BYTES + 5 * 785 - 100} bytes, expected ${CACHE_HEADER_BYTES + 5 * 785} for 5 records`],
    ['a truncated header', (b) => b.subarray(0, 40), '40 bytes is shorter than the header'],
    ['a wrong magic', (b) => (b.write('XXXX', 0, 'latin1'), b), 'wrong magic'],
    ['a wrong record count', (b) => (b.writeUInt32LE(6, 8), b), `size ${CACHE_HEADER_BYTES + 5 * 785} bytes, expected ${CACHE_HEADER_BYTES + 6 * 785} for 6 records`],
    ['wrong dims', (b) => (b.writeUInt32LE(32, 12), b), 'header dims [32,28,10]'],
  ];
  it.each(corruptions)('detects %s as corrupt', (_, damage, reason) => {
    writeImageCache(path, FINGERPRINT, sample(5));
    writeFileSync(path, damage(readFileSync(path)));
    expect(readImageCache(path, FINGERPRINT)).toEqual({ status: 'corrupt', reason });
  });

  it('detects a label outside 0..9 even with a matching checksum', () => {
    const data = sample(4);
    data.labels[2] = 12;
    writeImageCache(path, FINGERPRINT, data);
    expect(readImageCache(path, FINGERPRINT)).toEqual({ status: 'corrupt', reason: 'label 12 of record 2 outside 0..9' });
  });

  it('treats an empty file as corrupt', () => {
    writeImageCache(path, FINGERPRINT, sample(2));
    truncateSync(path, 0);
    expect(readImageCache(path, FINGERPRINT)).toEqual({ status: 'corrupt', reason: '0 bytes is shorter than the header' });
  });

  it('never writes through a symbolic link planted where a predictable temporary name would go', () => {
    // Temporaries were once named path.<pid>.<counter>.tmp and opened following links.
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    mkdirSync(join(dir, 'nested'));
    for (let k = 0; k < 64; k++) symlinkSync(victim, `${path}.${process.pid}.${k}.tmp`);
    writeImageCache(path, FINGERPRINT, sample(3));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(readImageCache(path, FINGERPRINT).status).toBe('hit');
  });
});

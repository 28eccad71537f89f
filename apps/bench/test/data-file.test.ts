import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeArrays } from '../src/torch/data-file.js';

/** The reader python/torch_child.py implements (read_arrays), written again in TypeScript. */
function readArrays(bytes: Buffer) {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as { arrays: Record<string, { dtype: string; offset: number; length: number; shape: number[] }> };
  const base = 8 + headerLength;
  return Object.fromEntries(
    Object.entries(header.arrays).map(([name, a]) => {
      const start = base + a.offset;
      const copy = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + a.length * 4);
      return [name, { base, offset: a.offset, shape: a.shape, data: a.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy) }];
    }),
  );
}

describe('writeArrays', () => {
  it('writes a header and 8-byte aligned float32 and int32 arrays the reader gets back exactly', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-data-file-'));
    try {
      const file = path.join(dir, 'a.bin');
      const odd = Float32Array.of(1.5, -2.25, 3); // 12 bytes: the next array starts 4 bytes later
      const labels = Int32Array.of(7, 0, 9);
      const empty = new Float32Array(0);
      const view = new Float32Array([0, 1, 2, 3, 4, 5]).subarray(2, 6); // a view into a larger buffer
      await writeArrays(file, { odd: { data: odd, shape: [3] }, labels: { data: labels, shape: [3] }, empty: { data: empty, shape: [0] }, view: { data: view, shape: [2, 2] } });
      const back = readArrays(await readFile(file));
      expect(back.labels.offset).toBe(16);
      expect(Object.values(back).every((a) => a.offset % 8 === 0 && a.base % 8 === 0)).toBe(true);
      expect([...back.odd.data]).toEqual([1.5, -2.25, 3]);
      expect(back.labels.data).toBeInstanceOf(Int32Array);
      expect([...back.labels.data]).toEqual([7, 0, 9]);
      expect(back.empty.data.length).toBe(0);
      expect([...back.view.data]).toEqual([2, 3, 4, 5]);
      expect(back.view.shape).toEqual([2, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an array whose length does not match its shape', async () => {
    await expect(writeArrays('/nonexistent/never-written.bin', { x: { data: new Float32Array(5), shape: [2, 3] } })).rejects.toThrow(
      "writeArrays: 'x' must have 6 elements for shape [2,3], received 5.",
    );
  });
});

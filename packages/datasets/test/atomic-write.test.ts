import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../src/atomic-write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bw-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomicSync', () => {
  it('writes the parts in order into new folders, replacing an old file, and leaves no temporary', () => {
    const path = join(dir, 'a', 'b', 'f.bin');
    writeFileAtomicSync(path, [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]);
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    writeFileAtomicSync(path, [Uint8Array.of(9)]);
    expect([...readFileSync(path)]).toEqual([9]);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['f.bin']);
  });

  it('throws and removes its temporary when the rename fails, leaving the target as it was', () => {
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    expect(() => writeFileAtomicSync(path, [Uint8Array.of(1)])).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });
});

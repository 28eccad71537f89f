import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_TEMPORARY_MS, sweepStaleTemporaries, writeFileAtomicSync } from '../src/atomic-write.js';

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

describe('sweepStaleTemporaries', () => {
  const HOUR_AGO = (Date.now() - 3600_000) / 1000;
  /** A file last written an hour ago (older than STALE_TEMPORARY_MS). */
  const old = (path: string, text = 'x') => {
    writeFileSync(path, text);
    utimesSync(path, HOUR_AGO, HOUR_AGO);
  };
  // The pid of a process that has exited: its writer is gone for certain.
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  const deadName = `.batchwise-${deadPid}-0123456789abcdef.tmp`;

  it("removes a killed writer's temporary once it is old, keeps a fresh one and every other name", () => {
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    old(join(cache, deadName));
    writeFileSync(join(cache, `.batchwise-${deadPid}-fedcba9876543210.tmp`), 'in flight');
    const others = [
      'mnist.bin',
      `.batchwise-${deadPid}-0123456789abcde.tmp`, // 15 hex digits
      `.batchwise-${deadPid}-0123456789ABCDEF.tmp`, // not the helper's lower case
      '.batchwise-x-0123456789abcdef.tmp',
      `a.batchwise-${deadPid}-0123456789abcdef.tmp`,
      `.batchwise-${deadPid}-0123456789abcdef.tmp.bak`,
      'other.tmp',
    ];
    for (const name of others) old(join(cache, name));
    expect(STALE_TEMPORARY_MS).toBeLessThan(3600_000);
    expect(sweepStaleTemporaries(cache)).toEqual([deadName]);
    expect(readdirSync(cache).sort()).toEqual([`.batchwise-${deadPid}-fedcba9876543210.tmp`, ...others].sort());
  });

  it('never follows or removes a symbolic link planted under a temporary name, nor touches what it points to', () => {
    const cache = join(dir, 'cache'), outside = join(dir, 'outside');
    mkdirSync(cache);
    mkdirSync(outside);
    const target = join(outside, 'precious.bin');
    old(target, 'keep me');
    old(join(outside, deadName), 'not in the cache folder');
    symlinkSync(target, join(cache, deadName));
    symlinkSync(outside, join(cache, `.batchwise-${deadPid}-00000000000000aa.tmp`));
    // A folder with a temporary's name, holding an old temporary of its own.
    mkdirSync(join(cache, `.batchwise-${deadPid}-00000000000000bb.tmp`));
    old(join(cache, `.batchwise-${deadPid}-00000000000000bb.tmp`, deadName));
    utimesSync(join(cache, `.batchwise-${deadPid}-00000000000000bb.tmp`), HOUR_AGO, HOUR_AGO);

    expect(sweepStaleTemporaries(cache)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(readFileSync(join(outside, deadName), 'utf8')).toBe('not in the cache folder');
    expect(lstatSync(join(cache, deadName)).isSymbolicLink()).toBe(true);
    expect(existsSync(join(cache, `.batchwise-${deadPid}-00000000000000bb.tmp`, deadName))).toBe(true);
    expect(readdirSync(cache).length).toBe(3);
  });

  it('keeps an old temporary whose writer is still running (stopped, or this process)', () => {
    const parents = `.batchwise-${process.ppid}-00000000000000cc.tmp`;
    const mine = `.batchwise-${process.pid}-00000000000000dd.tmp`;
    for (const name of [parents, mine, deadName]) old(join(dir, name));
    expect(sweepStaleTemporaries(dir)).toEqual([deadName]);
    expect(readdirSync(dir).sort()).toEqual([parents, mine].sort());
  });

  it('is no error on a missing folder', () => {
    expect(sweepStaleTemporaries(join(dir, 'absent'))).toEqual([]);
  });

  it('takes the age limit and clock it is given', () => {
    writeFileSync(join(dir, deadName), 'x');
    expect(sweepStaleTemporaries(dir, 60_000, Date.now())).toEqual([]);
    expect(sweepStaleTemporaries(dir, 60_000, Date.now() + 120_000)).toEqual([deadName]);
  });
});

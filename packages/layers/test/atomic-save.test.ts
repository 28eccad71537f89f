import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FileError, layers, loadLayersModel, sequential } from '../src/index.js';
import { removeStaleTemporaries, temporaryName, writeDirectoryAtomic, writeFileAtomic } from '../src/io/node/index.js';
import './helpers.js';

/*
 * model.save and the atomic-write helpers (issue 11, "Saving never loses the
 * previous model" and the save errors of "Files cannot reach outside what the
 * user named"). The crash test is in save-crash.test.ts.
 */

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-atomic-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let n = 0;
const fresh = () => path.join(root, `case${n++}`);

function model(seed = 0) {
  const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
  m.layers[0].weights[0].value.data[0] = seed;
  return m;
}

/** A pid that is not running: the largest pid_max allows is never reached in a test container. */
const DEAD_PID = 4194303;

describe('model.save errors name the path and what is wrong', () => {
  it('onto an existing file (was "EEXIST ... mkdir")', async () => {
    const file = fresh();
    await fs.writeFile(file, 'x');
    await expect(model().save(file)).rejects.toThrow(`save: ${file} must be a directory, received a regular file.`);
    expect(await fs.readFile(file, 'utf8')).toBe('x');
  });

  it('a directory named model.json (was EISDIR without the path), before writing anything', async () => {
    const dir = fresh();
    await fs.mkdir(path.join(dir, 'model.json'), { recursive: true });
    const e = (await model().save(dir).catch((x: Error) => x)) as FileError;
    expect(e).toBeInstanceOf(FileError);
    expect(e.message).toBe(`save: ${path.join(dir, 'model.json')} must be a file, received a directory.`);
    expect(await fs.readdir(dir)).toEqual(['model.json']);
  });

  it('/proc/self (recursive mkdir looped forever) fails at once', async () => {
    const e = (await model().save('/proc/self').catch((x: Error) => x)) as FileError;
    expect(e).toBeInstanceOf(FileError);
    expect(e.message).toMatch(/^save: cannot write \/proc\/self\/group1-shard1of1-[0-9a-f]{16}\.bin: .* \((ENOENT|EACCES|EPERM)\)\.$/);
  });

  it('a parent that is a file', async () => {
    const file = fresh();
    await fs.writeFile(file, 'x');
    await expect(model().save(path.join(file, 'sub'))).rejects.toThrow(`save: ${file} must be a directory, received a regular file.`);
  });

  it('ENOSPC names the file being written and leaves the previous model', async () => {
    const dir = fresh();
    await model(1).save(dir);
    const real = fs.open;
    vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
      const handle = await real(...args);
      if (String(args[0]).endsWith('.tmp')) {
        handle.writeFile = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      }
      return handle;
    });
    const e = (await model(2).save(dir).catch((x: Error) => x)) as FileError;
    expect(e.message).toMatch(new RegExp(`^save: cannot write ${dir}/group1-shard1of1-[0-9a-f]{16}\\.bin: no space left on the device \\(ENOSPC\\)\\.$`));
    expect(e.code).toBe('ENOSPC');
    vi.restoreAllMocks();
    const back = await loadLayersModel(dir);
    expect(back.layers[0].weights[0].value.data[0]).toBe(1);
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('temporaries', () => {
  it('symbolic links planted at temporary names, at model.json or at the weight file cannot redirect a write', async () => {
    const dir = fresh();
    await fs.mkdir(dir);
    const victim = path.join(root, `victim${n++}`);
    await fs.writeFile(victim, 'precious');
    // The names the previous scheme would use for this process (name.tmp-<pid>-<counter>).
    for (let k = 0; k < 50; k++) {
      for (const f of ['model.json', 'group1-shard1of1.bin']) await fs.symlink(victim, path.join(dir, `${f}.tmp-${process.pid}-${k}`));
    }
    const m = model(4);
    const { files } = await m.save(dir);
    expect(await fs.readFile(victim, 'utf8')).toBe('precious');
    // Links at the targets themselves are replaced by the rename, not written through.
    await fs.rm(files!.weights);
    await fs.symlink(victim, files!.weights);
    await fs.rm(files!.modelJson);
    await fs.symlink(victim, files!.modelJson);
    await m.save(dir);
    expect(await fs.readFile(victim, 'utf8')).toBe('precious');
    expect((await fs.lstat(files!.modelJson)).isFile()).toBe(true);
    expect((await loadLayersModel(dir)).layers[0].weights[0].value.data[0]).toBe(4);
  });

  it('temporary names are random, and exclusive creation refuses an existing name', async () => {
    const names = new Set(Array.from({ length: 100 }, temporaryName));
    expect(names.size).toBe(100);
    for (const t of names) expect(t).toMatch(new RegExp(`^\\.batchwise-${process.pid}-[0-9a-f]{16}\\.tmp$`));
  });

  it('leftovers of killed writers and weight files no longer named are removed by the next save; temporaries of live writers are kept', async () => {
    const dir = fresh();
    await model().save(dir);
    const dead = `.batchwise-${DEAD_PID}-0123456789abcdef.tmp`;
    const live = `.batchwise-${process.pid}-0123456789abcdef.tmp`;
    const legacy = `model.json.tmp-${DEAD_PID}-3`;
    const orphan = 'group1-shard1of1-00000000000000aa.bin';
    for (const f of [dead, live, legacy, orphan]) await fs.writeFile(path.join(dir, f), 'x');
    const { files } = await model(5).save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual([live, path.basename(files!.weights), 'model.json'].sort());
    expect(await removeStaleTemporaries(dir)).toEqual([]);
    // A directory saved by an earlier version: its group1-shard1of1.bin goes once model.json stops naming it.
    await fs.rename(files!.weights, path.join(dir, 'group1-shard1of1.bin'));
    const json = JSON.parse(await fs.readFile(files!.modelJson, 'utf8'));
    json.weightsManifest[0].paths = ['group1-shard1of1.bin'];
    await fs.writeFile(files!.modelJson, JSON.stringify(json));
    const again = await model(6).save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual([live, path.basename(again.files!.weights), 'model.json'].sort());
  });

});

describe('writeFileAtomic and writeDirectoryAtomic', () => {
  it('writeFileAtomic replaces a file and creates missing parents', async () => {
    const file = path.join(fresh(), 'a', 'b', 'c.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, new TextEncoder().encode('two'));
    expect(await fs.readFile(file, 'utf8')).toBe('two');
    expect(await fs.readdir(path.dirname(file))).toEqual(['c.json']);
  });

  it('writeFileAtomic onto a directory names it', async () => {
    const dir = fresh();
    await fs.mkdir(dir);
    await expect(writeFileAtomic(dir, 'x', { fn: 'report' })).rejects.toThrow(`report: ${dir} must be a file, received a directory.`);
  });

  it('writeDirectoryAtomic writes every file at once, and refuses an existing directory', async () => {
    const dir = path.join(fresh(), 'gen-1');
    await writeDirectoryAtomic(dir, { 'state.json': '{}', 'weights.bin': new Uint8Array([1, 2, 3]) });
    expect((await fs.readdir(dir)).sort()).toEqual(['state.json', 'weights.bin']);
    expect([...(await fs.readFile(path.join(dir, 'weights.bin')))]).toEqual([1, 2, 3]);
    await expect(writeDirectoryAtomic(dir, { 'a.json': '{}' })).rejects.toThrow(`writeDirectoryAtomic: ${dir} must not exist yet, received a directory.`);
    await expect(writeDirectoryAtomic(path.join(path.dirname(dir), 'gen-2'), { '../x': '' })).rejects.toThrow(/file names must be single path components, received '..\/x'/);
    expect((await fs.readdir(path.dirname(dir))).sort()).toEqual(['gen-1']);
  });

  it('writeDirectoryAtomic leaves nothing behind when a write fails', async () => {
    const parent = fresh();
    const real = fs.open;
    let calls = 0;
    vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
      if (String(args[0]).endsWith('b.bin') && calls++ === 0) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      return real(...args);
    });
    await expect(writeDirectoryAtomic(path.join(parent, 'gen'), { 'a.json': '{}', 'b.bin': 'x' })).rejects.toThrow(`writeDirectoryAtomic: cannot write directory ${path.join(parent, 'gen')}: no space left on the device (ENOSPC).`);
    expect(await fs.readdir(parent)).toEqual([]);
  });
});

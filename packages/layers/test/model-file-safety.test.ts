import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '@batchwise/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FileError, MODEL_LIMITS, layers, loadLayersModel, sequential } from '../src/index.js';
import './helpers.js';

/*
 * What a model file can make loadLayersModel read or allocate (issue 11,
 * "Files cannot reach outside what the user named"). Each case was a defect:
 * a manifest path outside the directory was read, /dev/zero grew memory
 * without bound, a FIFO hung, `units: 600000` allocated gigabytes.
 */

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-safety-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));
let dirs = 0;

/** A saved Dense(3 -> 2) model in a fresh directory; returns its paths and parsed model.json. */
async function savedModel(): Promise<{ dir: string; modelJson: string; weights: string; json: Record<string, any> }> {
  const dir = path.join(root, `m${dirs++}`);
  const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
  const { files } = await m.save(dir);
  const json = JSON.parse(await fs.readFile(files!.modelJson, 'utf8'));
  return { dir, modelJson: files!.modelJson, weights: files!.weights, json };
}

async function withPaths(paths: string[]): Promise<{ dir: string; modelJson: string }> {
  const s = await savedModel();
  s.json.weightsManifest[0].paths = paths;
  await fs.writeFile(s.modelJson, JSON.stringify(s.json));
  return s;
}

/** 8 float32 values (32 bytes), exactly what the Dense(3 -> 2) weights take: loading them would succeed without the checks. */
async function secretFile(): Promise<string> {
  const file = path.join(root, `secret-${dirs++}.txt`);
  await fs.writeFile(file, Buffer.alloc(32, 7));
  return file;
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Bytes in ArrayBuffers now: what a load allocated shows here. */
function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

describe('weight files stay inside the model directory', () => {
  it('refuses ../ paths, naming the path, whether or not the target exists, without its size', async () => {
    const secret = await secretFile();
    const rel = path.relative(path.join(root, `m${dirs}`), secret);
    const { dir } = await withPaths([rel]);
    const e = (await loadLayersModel(dir).catch((x: Error) => x)) as Error;
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toContain(`weight file '${rel}'`);
    expect(e.message).toContain('must be inside the model\'s directory');
    expect(e.message).not.toMatch(/32|bytes|truncated/);
    // A path to nothing outside gets the same answer: no probing for files through the message.
    const { dir: dir2 } = await withPaths(['../../no-such-file.bin']);
    const e2 = (await loadLayersModel(dir2).catch((x: Error) => x)) as Error;
    expect(e2.message.replaceAll(dir2, 'DIR').replace(/'[^']*'/, 'P')).toBe(e.message.replaceAll(dir, 'DIR').replace(/'[^']*'/, 'P'));
  });

  it('refuses absolute paths and symbolic links that lead outside, even dangling ones; follows those that stay inside', async () => {
    const secret = await secretFile();
    await expect(loadLayersModel((await withPaths([secret])).dir)).rejects.toThrow(/must be inside the model's directory/);
    const s = await withPaths(['link.bin']);
    await fs.symlink(secret, path.join(s.dir, 'link.bin'));
    await expect(loadLayersModel(s.dir)).rejects.toThrow(/weight file 'link.bin' .* must be inside the model's directory/);
    const d = await withPaths(['dangling.bin']);
    await fs.symlink(path.join(root, 'nothing-here'), path.join(d.dir, 'dangling.bin'));
    await expect(loadLayersModel(d.dir)).rejects.toThrow(/weight file 'dangling.bin' .* must be inside the model's directory/);
    const sub = await withPaths(['sub/x.bin']);
    await fs.symlink(root, path.join(sub.dir, 'sub'));
    await expect(loadLayersModel(sub.dir)).rejects.toThrow(/weight file 'sub\/x.bin' .* must be inside/);
    const inside = await savedModel();
    await fs.rename(inside.weights, path.join(inside.dir, 'real.bin'));
    await fs.symlink('real.bin', inside.weights);
    await expect(loadLayersModel(inside.dir)).resolves.toBeDefined();
  });

});

describe('only regular files are read, each within its bound', () => {
  it('refuses a device file as a weight file (it was read without end)', async () => {
    const s = await withPaths(['zero.bin']);
    await fs.symlink('/dev/zero', path.join(s.dir, 'zero.bin'));
    // Inside-the-directory check first: the link leads outside.
    await expect(loadLayersModel(s.dir)).rejects.toThrow(/must be inside/);
    await expect(loadLayersModel((await withPaths(['/dev/zero'])).dir)).rejects.toThrow(/must be inside/);
  });

  it('refuses /dev/zero as model.json, naming it, without reading it', async () => {
    const before = arrayBufferBytes();
    const e = (await loadLayersModel('/dev/zero').catch((x: Error) => x)) as FileError;
    expect(e).toBeInstanceOf(FileError);
    expect(e.message).toBe('loadLayersModel: model.json /dev/zero must be a regular file, received a character device.');
    expect(arrayBufferBytes() - before).toBeLessThan(1 << 20);
  });

  it('refuses a FIFO as model.json or as the weight file instead of waiting forever', async () => {
    const fifoDir = path.join(root, `fifo${dirs++}`);
    await fs.mkdir(fifoDir);
    mkfifo(path.join(fifoDir, 'model.json'));
    await expect(loadLayersModel(fifoDir)).rejects.toThrow(/model\.json .*model\.json must be a regular file, received a FIFO \(named pipe\)/);
    const s = await savedModel();
    await fs.rm(s.weights);
    mkfifo(s.weights);
    await expect(loadLayersModel(s.dir)).rejects.toThrow(/weight file .* must be a regular file, received a FIFO/);
  });

  it('a directory named model.json is one line naming the path', async () => {
    const s = path.join(root, `isdir${dirs++}`);
    await fs.mkdir(path.join(s, 'model.json'), { recursive: true });
    await expect(loadLayersModel(s)).rejects.toThrow(`loadLayersModel: model.json ${path.join(s, 'model.json')} must be a regular file, received a directory.`);
    // Named itself, it is taken as a model directory, like any other.
    await expect(loadLayersModel(path.join(s, 'model.json'))).rejects.toThrow(`loadLayersModel: cannot read model.json ${path.join(s, 'model.json', 'model.json')}: no such file or directory (ENOENT).`);
  });

  it('reads a weight file only up to the size its manifest declares', async () => {
    const s = await savedModel();
    // A sparse 4 GiB file: reading it all would take 4 GiB.
    await fs.truncate(s.weights, 4 * 1024 ** 3);
    const before = arrayBufferBytes();
    await expect(loadLayersModel(s.dir)).rejects.toThrow(/weight file .* must hold at most 32 bytes \(what the 1 tensors|must hold at most 32 bytes/);
    expect(arrayBufferBytes() - before).toBeLessThan(1 << 20);
  });

  it('refuses a model.json larger than maxModelJsonBytes, and reads it when the limit is raised', async () => {
    const s = await savedModel();
    const size = (await fs.stat(s.modelJson)).size;
    await expect(loadLayersModel(s.dir, { maxModelJsonBytes: size - 1 })).rejects.toThrow(`must hold at most ${size - 1} bytes (the limit maxModelJsonBytes), received ${size}.`);
    await expect(loadLayersModel(s.dir, { maxModelJsonBytes: size })).resolves.toBeDefined();
    expect(MODEL_LIMITS.maxModelJsonBytes).toBe(32 * 1024 * 1024);
  });
});

describe('parameters are counted before they are allocated', () => {
  it('a 4 KB model.json with units: 600000 fails on its manifest without allocating the kernel', async () => {
    const s = await savedModel();
    s.json.modelTopology.config.layers[0].config.units = 600000;
    s.json.modelTopology.config.layers[0].config.batch_input_shape = [null, 784];
    await fs.writeFile(s.modelJson, JSON.stringify(s.json));
    expect((await fs.stat(s.modelJson)).size).toBeLessThan(4096);
    const before = arrayBufferBytes();
    const e = (await loadLayersModel(s.dir).catch((x: Error) => x)) as Error;
    expect(arrayBufferBytes() - before).toBeLessThan(64 << 20);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe(
      "loadLayersModel: Dense 'd' needs a weight of shape [784,600000], which brings the model to 470400000 parameters, more than the 8 parameters the weights manifest declares (plus 1000000); nothing was allocated for it.",
    );
  });

  it('a manifest declaring more than maxParameters is refused before any weight file is read', async () => {
    const s = await savedModel();
    s.json.weightsManifest[0].weights[0].shape = [100000, 100000];
    await fs.writeFile(s.modelJson, JSON.stringify(s.json));
    await fs.rm(s.weights);
    await expect(loadLayersModel(s.dir)).rejects.toThrow(
      "loadLayersModel: the weights manifest must declare at most maxParameters = 100000000 parameters, received more (at tensor 'd/kernel'); raise maxParameters if the model really is this large.",
    );
  });

  it('maxParameters is configurable: a model above it is refused, and loads once it is raised', async () => {
    const s = await savedModel();
    await expect(loadLayersModel(s.dir, { maxParameters: 7 })).rejects.toThrow(/maxParameters = 7/);
    await expect(loadLayersModel(s.dir, { maxParameters: 8 })).resolves.toBeDefined();
    await expect(loadLayersModel(s.dir, { maxParameters: -1 })).rejects.toThrow(/maxParameters must be/);
  });

  it('refuses malformed manifest entries with one line', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /weightsManifest must be a list/],
      [[{ paths: 'x.bin', weights: [] }], /weightsManifest\[0\] must be an object \{ paths, weights \}/],
      [[{ paths: [], weights: [] }], /paths must be a non-empty list/],
      [[{ paths: ['a.bin'], weights: [{ name: 'd/kernel', shape: [3, -2], dtype: 'float32' }] }], /shape must be a list of at most 8 non-negative integers, received \[3,-2\]/],
      [[{ paths: ['a.bin'], weights: [{ name: 'd/kernel', shape: [1e300], dtype: 'float32' }] }], /shape must be a list/],
      [[{ paths: ['a.bin'], weights: [{ name: 7, shape: [1], dtype: 'float32' }] }], /name must be a non-empty string, received 7/],
    ];
    for (const [manifest, message] of cases) {
      const s = await savedModel();
      s.json.weightsManifest = manifest;
      await fs.writeFile(s.modelJson, JSON.stringify(s.json));
      await expect(loadLayersModel(s.dir)).rejects.toThrow(message);
    }
  });
});

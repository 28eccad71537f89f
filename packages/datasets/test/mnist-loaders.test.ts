import { spawnSync } from 'node:child_process';
import { InvalidArgumentError } from '@batchwise/core';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../src/errors.js';
import { MNIST_SOURCE } from '../src/image-sources.js';
import { loadFashionMnist, loadMnist } from '../src/mnist-loaders.js';
import { classFiles, readImageSource } from '../src/read-image-source.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'bw-datasets-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// Byte comparison: vitest's toEqual walks a 1.5M-element typed array element by element (seconds).
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function perClass(labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

describe('loadMnist', () => {
  it('builds the cache on the first load and reads it on the second, with equal results', () => {
    const first = loadMnist({ split: 'test', cacheDir });
    expect(first.cache).toEqual({ status: 'built', path: join(cacheDir, 'mnist.bin') });
    const second = loadMnist({ split: 'test', cacheDir });
    expect(second.cache.status).toBe('hit');
    expect(sameBytes(second.images.data, first.images.data)).toBe(true);
    expect(sameBytes(second.labels, first.labels)).toBe(true);
  });

  it('gives 8,000 train and 2,000 test images with the documented class counts', () => {
    const train = loadMnist({ cacheDir });
    const test = loadMnist({ split: 'test', cacheDir });
    expect(train.images.shape).toEqual([8000, 28, 28, 1]);
    expect(test.images.shape).toEqual([2000, 28, 28, 1]);
    expect(perClass(test.labels)).toEqual(new Array(10).fill(200));
    expect(perClass(train.labels)).toEqual(MNIST_SOURCE.classCounts.map((n) => n - 200));
    const seen = new Set([...train.sourceIndices, ...test.sourceIndices]);
    expect(seen.size).toBe(10000);
  });

  it('returns pixels in [0, 1] matching the JSON, labels and one-hot agreeing', () => {
    const d = loadMnist({ split: 'test', limit: 20, cacheDir });
    expect(d.images.shape).toEqual([20, 28, 28, 1]);
    expect(d.oneHot.shape).toEqual([20, 10]);
    expect([...d.labels]).toEqual([...Array(10).keys(), ...Array(10).keys()]);
    for (let i = 0; i < 20; i++) {
      const row = d.oneHot.data.subarray(i * 10, i * 10 + 10);
      expect([...row].indexOf(1)).toBe(d.labels[i]);
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    }
    expect(Math.min(...d.images.data)).toBe(0);
    expect(Math.max(...d.images.data)).toBeLessThanOrEqual(1);
    // First test image of class 3 is the record at sourceIndex minus the earlier classes.
    const before = MNIST_SOURCE.classCounts.slice(0, 3).reduce((a, b) => a + b, 0);
    const record = d.sourceIndices[3] - before;
    const raw = (JSON.parse(readFileSync(classFiles(MNIST_SOURCE)[3], 'utf8')) as { data: number[] }).data;
    const img = d.images.data.subarray(3 * 784, 4 * 784);
    for (let p = 0; p < 784; p++) expect(Math.abs(img[p] - raw[record * 784 + p])).toBeLessThanOrEqual(0.0005 + 1e-6);
  });

  it('rebuilds a corrupt cache and says why', () => {
    const path = join(cacheDir, 'mnist.bin');
    const good = loadMnist({ split: 'test', limit: 50, cacheDir });
    const buf = readFileSync(path);
    buf[buf.length - 5] ^= 0xff;
    writeFileSync(path, buf);
    const rebuilt = loadMnist({ split: 'test', limit: 50, cacheDir });
    expect(rebuilt.cache).toEqual({ status: 'rebuilt-corrupt', path, reason: 'payload checksum mismatch' });
    expect(sameBytes(rebuilt.images.data, good.images.data)).toBe(true);
    expect(loadMnist({ split: 'test', limit: 1, cacheDir }).cache.status).toBe('hit');
  });

  it("sweeps a killed writer's old temporary from the cache folder on a load that hits the cache", () => {
    loadMnist({ split: 'test', limit: 1, cacheDir });
    // Named with the pid of a process that has exited: its writer is gone for certain.
    const dead = join(cacheDir, `.batchwise-${spawnSync(process.execPath, ['-e', '']).pid}-0123456789abcdef.tmp`);
    writeFileSync(dead, 'half a cache');
    const hourAgo = (Date.now() - 3600_000) / 1000;
    utimesSync(dead, hourAgo, hourAgo);
    expect(loadMnist({ split: 'test', limit: 1, cacheDir }).cache.status).toBe('hit');
    expect(existsSync(dead)).toBe(false);
  });

  it('parses without a cache when cache is false', () => {
    const d = loadMnist({ split: 'test', limit: 3, cache: false });
    expect(d.cache).toEqual({ status: 'disabled', path: null });
  });

  it('reports a write failure but still loads', () => {
    const file = join(cacheDir, 'not-a-dir');
    writeFileSync(file, 'x');
    const d = loadMnist({ split: 'test', limit: 2, cacheDir: file });
    expect(d.cache.status).toBe('write-failed');
    expect(d.images.shape).toEqual([2, 28, 28, 1]);
  });

  it.each([
    [{ split: 'validation' }, "loadMnist: split must be one of 'train', 'test', received 'validation'."],
    [{ limit: 0 }, 'loadMnist: limit must be a positive integer, received 0.'],
    [{ limit: 2.5 }, 'loadMnist: limit must be a positive integer, received 2.5.'],
    [{ split: 'test', limit: 2001 }, "loadMnist: limit must be in [1, 2000] for split 'test', received 2001."],
    [{ cache: 'yes' }, "loadMnist: cache must be a boolean, received 'yes'."],
    [{ cacheDir: '' }, "loadMnist: cacheDir must be a non-empty string, received ''."],
    [{ limt: 10 }, "loadMnist: options must only have keys 'split', 'limit', 'cacheDir', 'cache', 'splitSeed', received 'limt'."],
    [{ splitSeed: 1.5 }, 'loadMnist: splitSeed must be an integer, received 1.5.'],
  ])('rejects options %j', (options, message) => {
    const call = () => loadMnist({ cacheDir, ...options } as never);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  it('splits at random, stratified by class, with splitSeed', () => {
    const test = loadMnist({ split: 'test', cacheDir, splitSeed: 0 });
    const train = loadMnist({ split: 'train', cacheDir, splitSeed: 0 });
    expect(test.labels.length).toBe(2000);
    expect(train.labels.length).toBe(8000);
    const inTest = new Set(test.sourceIndices);
    expect(train.sourceIndices.some((i) => inTest.has(i))).toBe(false);
    expect(loadMnist({ split: 'test', cacheDir }).sourceIndices).not.toEqual(test.sourceIndices);
  });

  it('rejects options that are not an object', () => {
    expect(() => loadMnist(7 as never)).toThrow('loadMnist: options must be an object, received 7.');
  });

  it('names the file when a class file holds an unexpected number of images', () => {
    const spec = { ...MNIST_SOURCE, classCounts: [1000, ...MNIST_SOURCE.classCounts.slice(1)] };
    const file = classFiles(MNIST_SOURCE)[0];
    expect(() => readImageSource(spec)).toThrow(DatasetFormatError);
    expect(() => readImageSource(spec)).toThrow(`loadMnist: ${file} must hold 1000 images of class 0, received 1001.`);
  });
});

describe('loadFashionMnist', () => {
  // A full parse of the 155 MB of JSON takes about 1.5 s here; both splits then come from the cache.
  it('gives 60,000 / 10,000 images, 6,000 / 1,000 per class, from one parse', () => {
    const test = loadFashionMnist({ split: 'test', cacheDir });
    expect(test.cache.status).toBe('built');
    expect(test.images.shape).toEqual([10000, 28, 28, 1]);
    expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
    const train = loadFashionMnist({ split: 'train', cacheDir });
    expect(train.cache.status).toBe('hit');
    expect(train.images.shape).toEqual([60000, 28, 28, 1]);
    expect(train.oneHot.shape).toEqual([60000, 10]);
    expect(perClass(train.labels)).toEqual(new Array(10).fill(6000));
    expect(new Set([...train.sourceIndices, ...test.sourceIndices]).size).toBe(70000);
    expect(train.classNames[9]).toBe('Ankle boot');
    let max = 0;
    for (const v of test.images.data) if (v > max) max = v;
    expect(max).toBe(1);
  });

  it('takes a class-balanced prefix with limit', () => {
    const d = loadFashionMnist({ split: 'train', limit: 100, cacheDir });
    expect(perClass(d.labels)).toEqual(new Array(10).fill(10));
  });
});

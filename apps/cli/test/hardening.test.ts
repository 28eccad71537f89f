import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';
import { inkPng } from './png-digit.test.js';

/*
 * The CLI's share of issue 11: files it is pointed at cannot hang it, read
 * devices or allocate without bound, and no result is silently wrong. Each
 * case is a reproduction of a defect; all fail in one line with exit code 1
 * (or 2 for a bad command line).
 */

const { dir, cleanup } = tempDir('batchwise-hardening-');
const model = join(dir, 'digits');
afterAll(cleanup);

beforeAll(async () => {
  const r = await run(['train', 'mlp', '--dataset', 'mnist', '--limit', '300', '--epochs', '1', '--backend', 'cpu', '--out', model, '--json']);
  expect(r.code).toBe(0);
});

function oneLineFailure(r: { code: number; stderr: string }, code = 1): string {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  return r.stderr.trim();
}

/** A copy of the trained model with one weight set to NaN. */
function nanModel(): string {
  const copy = join(dir, 'nan-model');
  if (existsSync(copy)) return copy;
  cpSync(model, copy, { recursive: true });
  const bin = readdirSync(copy).find((f) => f.endsWith('.bin'))!;
  const bytes = readFileSync(join(copy, bin));
  bytes.writeFloatLE(Number.NaN, 4 * 7);
  writeFileSync(join(copy, bin), bytes);
  return copy;
}

/**
 * A grey 8-bit PNG whose header says width x height; the pixel data is a valid
 * deflate stream of `rows` zero rows, or of `inflated` zero bytes.
 */
function pngClaiming(width: number, height: number, rows = 0, options: { interlaced?: boolean; inflated?: number } = {}): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(4 + body.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 4 + body.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, options.interlaced ? 1 : 0], 8);
  const idat = deflateSync(Buffer.alloc(options.inflated ?? rows * (width + 1)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

describe('files the CLI is pointed at', () => {
  it('summary /dev/zero is refused without reading it (it grew memory without bound)', async () => {
    const line = oneLineFailure(await run(['summary', '/dev/zero']));
    expect(line).toBe('batchwise: model.json /dev/zero must be a regular file, received a character device');
  });

  it('a FIFO as model.json, as --image or as --csv is refused instead of waiting forever', async () => {
    const fifoDir = join(dir, 'fifo');
    mkdirSync(fifoDir);
    execFileSync('mkfifo', [join(fifoDir, 'model.json'), join(fifoDir, 'x.png'), join(fifoDir, 'x.csv')]);
    expect(oneLineFailure(await run(['summary', fifoDir]))).toMatch(/model\.json .* must be a regular file, received a FIFO \(named pipe\)/);
    expect(oneLineFailure(await run(['evaluate', fifoDir, '--backend', 'cpu']))).toMatch(/must be a regular file, received a FIFO/);
    expect(oneLineFailure(await run(['predict', model, '--image', join(fifoDir, 'x.png'), '--backend', 'cpu']))).toMatch(/image .*x\.png must be a regular file, received a FIFO/);
    expect(oneLineFailure(await run(['predict', model, '--csv', join(fifoDir, 'x.csv'), '--backend', 'cpu']))).toMatch(/CSV file .*x\.csv must be a regular file, received a FIFO/);
  });

  it('train --out /proc/self fails at once naming the path (it hung in mkdir)', async () => {
    const line = oneLineFailure(await run(['train', 'mlp', '--dataset', 'mnist', '--limit', '50', '--epochs', '1', '--backend', 'cpu', '--out', '/proc/self']));
    expect(line).toMatch(/^batchwise: cannot write \/proc\/self\/run\.json: .*\((ENOENT|EACCES|EPERM)\)$/);
  });

  it('export --out /proc/self/... fails at once naming the path (recursive mkdir looped forever)', async () => {
    const line = oneLineFailure(await run(['export', model, '--format', 'onnx', '--out', '/proc/self/sub/model.onnx']));
    expect(line).toMatch(/^batchwise: cannot (write|create directory) \/proc\/self\/sub.*\((ENOENT|EACCES|EPERM)\)$/);
  });

  it('train --out onto an existing file names it (was "ENOTDIR ... lstat checkpoint.tmp")', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(oneLineFailure(await run(['train', 'mlp', '--dataset', 'mnist', '--limit', '50', '--epochs', '1', '--backend', 'cpu', '--out', file]))).toBe(`batchwise: ${file} must be a directory, received a regular file`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('a topology of units: 600000 is refused before allocating (10 GB through train)', async () => {
    const topo = join(dir, 'huge.json');
    writeFileSync(topo, JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [
      { class_name: 'Flatten', config: { name: 'flat', batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'Dense', config: { name: 'wide', units: 600000, activation: 'relu' } },
      { class_name: 'Dense', config: { name: 'out', units: 10, activation: 'softmax' } },
    ] } } }));
    const before = process.memoryUsage().arrayBuffers;
    const line = oneLineFailure(await run(['train', topo, '--dataset', 'mnist', '--limit', '50', '--backend', 'cpu', '--out', join(dir, 'huge')]));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(512 << 20);
    expect(line).toBe(
      `batchwise: ${topo}: cannot build the model: Dense 'wide' needs a weight of shape [784,600000], which brings the model to 470400000 parameters, more than the limit maxParameters = 100000000; nothing was allocated for it (set BATCHWISE_MAX_PARAMETERS to raise it)`,
    );
    expect(oneLineFailure(await run(['summary', topo]))).toContain('more than the limit maxParameters = 100000000');
  });

  it('BATCHWISE_MAX_PARAMETERS lowers or raises the limit for saved models too', async () => {
    process.env.BATCHWISE_MAX_PARAMETERS = '1000';
    try {
      expect(oneLineFailure(await run(['summary', model]))).toMatch(/cannot load the model: the weights manifest must declare at most maxParameters = 1000 parameters.*\(set BATCHWISE_MAX_PARAMETERS to raise it\)$/);
      process.env.BATCHWISE_MAX_PARAMETERS = '0x10';
      expect(oneLineFailure(await run(['summary', model]))).toBe("batchwise: BATCHWISE_MAX_PARAMETERS must be a positive integer, received '0x10'");
    } finally {
      delete process.env.BATCHWISE_MAX_PARAMETERS;
    }
    expect((await run(['summary', model])).code).toBe(0);
  });

  it('an image above the pixel limit is refused from its header, before decoding (20000x20000 took 3.2 GB)', async () => {
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, pngClaiming(20000, 20000));
    expect(oneLineFailure(await run(['predict', model, '--image', huge, '--backend', 'cpu']))).toBe(
      `batchwise: ${huge}: the image is 20000x20000 = 400000000 pixels, more than the limit of 16777216 (set BATCHWISE_MAX_IMAGE_PIXELS to raise it)`,
    );
    // A complete, valid 5000x5000 PNG (25 KB): still above the limit, still not decoded.
    const valid = join(dir, 'valid-big.png');
    writeFileSync(valid, pngClaiming(5000, 5000, 5000));
    expect(oneLineFailure(await run(['predict', model, '--image', valid, '--backend', 'cpu']))).toContain('5000x5000 = 25000000 pixels, more than the limit');
    // An interlaced 100x100 PNG whose 64 KB of data inflate to 64 MB: pngjs inflates interlaced images without a bound.
    const bomb = join(dir, 'bomb.png');
    writeFileSync(bomb, pngClaiming(100, 100, 0, { interlaced: true, inflated: 64 << 20 }));
    expect(oneLineFailure(await run(['predict', model, '--image', bomb, '--backend', 'cpu']))).toBe(
      `batchwise: ${bomb}: the image data inflates to more than the 24296 bytes a 100x100 image can hold (a decompression bomb)`,
    );
    const plain = join(dir, 'plain.png');
    writeFileSync(plain, pngClaiming(40, 40, 40));
    expect((await run(['predict', model, '--image', plain, '--backend', 'cpu'])).code, 'the PNGs built here are valid').toBe(0);
    const small = join(dir, 'small.png');
    writeFileSync(small, inkPng(40, 40, [10, 10, 30, 30]));
    process.env.BATCHWISE_MAX_IMAGE_PIXELS = '1000';
    try {
      expect(oneLineFailure(await run(['predict', model, '--image', small, '--backend', 'cpu']))).toContain('40x40 = 1600 pixels, more than the limit of 1000');
    } finally {
      delete process.env.BATCHWISE_MAX_IMAGE_PIXELS;
    }
    expect((await run(['predict', model, '--image', small, '--backend', 'cpu'])).code).toBe(0);
  });
});

describe('numbers are never silently wrong', () => {
  const header = [...Array.from({ length: 784 }, (_, i) => `p${i}`), 'label'].join(',');
  const row = (v: string | number, label: string | number) => [...Array.from({ length: 784 }, (_, i) => (i === 5 ? v : 0)), label].join(',');

  it('a NaN weight: predict and evaluate fail naming the weight (they printed NaN% and 10% with exit 0)', async () => {
    const nan = nanModel();
    for (const args of [['predict', nan, '--split', 'test', '--dataset', 'mnist'], ['evaluate', nan, '--limit', '50']]) {
      const line = oneLineFailure(await run([...args, '--backend', 'cpu']));
      expect(line).toMatch(/weight '.*\/kernel' \[784,\d+\] holds NaN at \[0,7\]: the model cannot make predictions/);
    }
  });

  it('a CSV cell of 1e39 is refused naming line and column (it became Infinity, then NaN)', async () => {
    const csv = join(dir, 'overflow.csv');
    writeFileSync(csv, `${header}\n${row(1, 1)}\n${row('1e39', 2)}\n`);
    expect(oneLineFailure(await run(['predict', model, '--csv', csv, '--target', 'label', '--backend', 'cpu']))).toBe(
      `batchwise: ${csv} must have well-formed numeric rows, received 1 malformed: line 3: column 'p5' must fit in float32 (magnitude at most 3.4028235e+38), received '1e39'.`,
    );
    const features = join(dir, 'overflow-features.csv');
    writeFileSync(features, `${header.replace(',label', '')}\n${row('-1e39', 0).replace(/,0$/, '')}\n`);
    expect(oneLineFailure(await run(['predict', model, '--csv', features, '--backend', 'cpu']))).toBe(
      `batchwise: ${features}:2: column 'p5' must fit in float32 (magnitude at most 3.4028235e+38), received '-1e39'`,
    );
  });

  it.each([['12'], ['-1'], ['2.5']])('a CSV target %s for a 10-class model is refused with its line (it counted as a wrong answer)', async (label) => {
    const csv = join(dir, `labels-${label}.csv`);
    writeFileSync(csv, `${header}\n${row(1, 1)}\n${row(0, 3)}\n${row(0, label)}\n`);
    expect(oneLineFailure(await run(['predict', model, '--csv', csv, '--target', 'label', '--backend', 'cpu']))).toBe(
      `batchwise: ${csv}:4: column 'label': the target must be a class index in [0, 9] for this 10-class model, received ${label}`,
    );
  });

  it('evaluating an MNIST model on fashion-mnist warns; the run records its dataset in run.json', async () => {
    expect(JSON.parse(readFileSync(join(model, 'run.json'), 'utf8'))).toEqual({ format: 'batchwise-run', version: 1, dataset: 'mnist', model: 'mlp' });
    const r = await run(['evaluate', model, '--dataset', 'fashion-mnist', '--limit', '50', '--backend', 'cpu', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${model} was trained on mnist, not fashion-mnist: its classes mean something else there`);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings).toHaveLength(1);
    const same = await run(['evaluate', model, '--limit', '50', '--backend', 'cpu', '--json']);
    expect(same.stderr).toBe('');
    expect((JSON.parse(same.stdout) as { dataset: string }).dataset).toBe('mnist');
    // Runs without run.json (older ones) recorded it only in the checkpoint's metadata: still read.
    const old = join(dir, 'old-run');
    cpSync(model, old, { recursive: true, filter: (src) => !src.endsWith('run.json') });
    expect((await run(['predict', old, '--split', 'test', '--dataset', 'fashion-mnist', '--limit', '2', '--backend', 'cpu'])).stderr).toContain('was trained on mnist');
  });

  it('--lr 0x10 is a usage error, not 16', async () => {
    const r = await run(['train', 'mlp', '--lr', '0x10', '--dataset', 'mnist', '--limit', '50']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--lr <rate>' argument '0x10' is invalid. must be a positive number, received '0x10'.");
  });
});

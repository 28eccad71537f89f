import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { CsvFormatError } from '@batchwise/datasets';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/cli/errors.js';
import { readCsvRows } from '../src/io/csv-matrix.js';
import { digitFromPng } from '../src/io/png-digit.js';
import { tempDir } from './helpers.js';
import { inkPng } from './png-digit.test.js';

/*
 * Property-based fuzzing of the CLI's image and CSV readers (issue 11,
 * "Fuzzing the parsers"): random mutations of valid files give a correct
 * result or one CliError line, never another exception, a hang (each case
 * has a time bound) or memory beyond the limits. Seeds are fixed;
 * BATCHWISE_FUZZ_SEED and BATCHWISE_FUZZ_RUNS explore further.
 */

const SEED = Number(process.env.BATCHWISE_FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.BATCHWISE_FUZZ_RUNS ?? 300);
/** Images are capped at this many pixels in the fuzz, so a case decodes at most ~4 MB. */
const MAX_PIXELS = 1 << 20;
const CASE_MEMORY_LIMIT = 128 * 1024 * 1024;
const CASE_TIME_LIMIT_MS = 10_000;
const { dir, cleanup } = tempDir('batchwise-fuzz-');
afterAll(cleanup);

// ---- PNG ----

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of bytes) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A chunk with a zero CRC (fixCrcs fills it in). */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  return out;
}

/** Recomputes every chunk's CRC, so mutations reach the decoder instead of stopping at the checksum. */
function fixCrcs(png: Uint8Array): Uint8Array {
  const out = Uint8Array.from(png);
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > out.length) break;
    view.setUint32(at + 8 + length, crc(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return out;
}

function greyPng(width: number, height: number, depth: 8 | 16): Buffer {
  const png = new PNG({ width, height, colorType: 0, bitDepth: depth, inputColorType: 0, inputHasAlpha: false });
  for (let i = 0; i < width * height; i++) png.data[i] = (i * 37) % 256;
  return PNG.sync.write(png, { colorType: 0, bitDepth: depth, inputColorType: 0, inputHasAlpha: false });
}

const pngBases = [inkPng(40, 30, [5, 5, 20, 25]), inkPng(28, 28, [4, 4, 20, 24], { colorType: 0 }), greyPng(16, 12, 16)];

type ByteMutation = { at: number; kind: 'set' | 'insert' | 'delete' | 'u32'; value: number };

const byteMutation: fc.Arbitrary<ByteMutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('set' as const, 'insert' as const, 'delete' as const, 'u32' as const),
  value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2, 3, 4, 6, 8, 16, 255, 0x7fffffff, 0xffffffff, 20000, 5000, 1 << 16)),
});

function mutateBytes(base: Uint8Array, ms: ByteMutation[]): Uint8Array {
  let b = Uint8Array.from(base);
  for (const m of ms) {
    const at = m.at % (b.length + 1);
    if (m.kind === 'set' && at < b.length) b[at] = m.value & 0xff;
    else if (m.kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), m.value & 0xff, ...b.subarray(at)]);
    else if (m.kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + (m.value % 64))]);
    else if (m.kind === 'u32' && at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.value >>> 0);
  }
  return b;
}

/** One PNG case: a 28x28 digit with every pixel in [0, 1], or one CliError line. */
function decodeCase(bytes: Uint8Array): void {
  const before = process.memoryUsage().arrayBuffers;
  try {
    const d = digitFromPng(bytes, 'fuzz.png', 'auto', MAX_PIXELS);
    expect(d.pixels).toHaveLength(784);
    expect(d.pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
  } catch (e) {
    if (!(e instanceof CliError)) throw new Error(`digitFromPng threw ${(e as Error).name}: ${(e as Error).message}`);
    expect((e as Error).message.split('\n')).toHaveLength(1);
  }
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(CASE_MEMORY_LIMIT);
}

/** The image reproductions and what fuzzing found: a huge header, an inflate bomb, a zero width, truncation. */
function pngCorpus(): Uint8Array[] {
  const huge = Uint8Array.from(pngBases[0]);
  new DataView(huge.buffer).setUint32(16, 20000);
  new DataView(huge.buffer).setUint32(20, 20000);
  // An interlaced 100x100 grey image whose IDAT inflates to 32 MB.
  const ihdr = Uint8Array.from([0, 0, 0, 100, 0, 0, 0, 100, 8, 0, 0, 0, 1]);
  const bomb = Buffer.concat([pngBases[0].subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(32 << 20))), chunk('IEND', new Uint8Array(0))]);
  // Width 0 passed a width x height limit while pngjs sized buffers by the height (8 GB); found by this fuzz.
  const flat = Uint8Array.from(pngBases[1]);
  new DataView(flat.buffer).setUint32(16, 0);
  new DataView(flat.buffer).setUint32(20, 0xff00001c);
  return [fixCrcs(huge), fixCrcs(bomb), fixCrcs(flat), pngBases[0].subarray(0, 40), new Uint8Array(0)];
}

describe('fuzzing PNG decoding', () => {
  it('the bases decode', () => pngBases.forEach((b) => expect(digitFromPng(b, 'base.png').pixels).toHaveLength(784)));

  it('the regression corpus gives one line each', () => {
    for (const bytes of pngCorpus()) expect(() => digitFromPng(bytes, 'case.png', 'auto', MAX_PIXELS)).toThrow(CliError);
  });

  it(`${RUNS} mutated PNGs decode or fail in one line (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.nat({ max: pngBases.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (k, ms, fix) => {
        const bytes = mutateBytes(pngBases[k], ms);
        decodeCase(fix ? fixCrcs(bytes) : bytes);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});

// ---- CSV ----

const header = 'a,b,label';
const validCsv = `${header}\n1,2,3\n-4.5,6e2,7\n"8",9,0\n`;

/** Characters a CSV file is made of, and a few it should not hold. */
const csvChar = fc.constantFrom(...'0123456789.,-+eE"\n\r ,ax\t\u0000'.split(''), '1e39', '0x10', 'NaN', 'Infinity', '\uFEFF', '\u00e9');

const csvMutation = fc.record({ at: fc.nat(), insert: fc.array(csvChar, { maxLength: 6 }).map((c) => c.join('')), remove: fc.nat({ max: 6 }) });

async function csvCase(text: string, target: string | undefined): Promise<void> {
  const file = join(dir, 'case.csv');
  writeFileSync(file, text);
  try {
    const rows = await readCsvRows(file, target);
    expect(rows.features.data.every(Number.isFinite), 'every value finite').toBe(true);
    if (rows.target) expect(rows.target.every(Number.isFinite)).toBe(true);
    expect(rows.lines).toHaveLength(rows.features.shape[0]);
  } catch (e) {
    if (!(e instanceof CliError) && !(e instanceof CsvFormatError)) throw new Error(`readCsvRows threw ${(e as Error).name}: ${(e as Error).message}`);
    expect((e as Error).message.split('\n'), (e as Error).message).toHaveLength(1);
  }
}

describe('fuzzing CSV reading', () => {
  it(`${RUNS} mutated CSV files read as finite numbers or fail in one line (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(csvMutation, { minLength: 1, maxLength: 5 }), fc.constantFrom('label', undefined), async (ms, target) => {
        let text = validCsv;
        for (const m of ms) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert + text.slice(at + m.remove);
        }
        await csvCase(text, target);
      }),
      { seed: SEED, numRuns: RUNS, timeout: CASE_TIME_LIMIT_MS, examples: [[[{ at: 10, insert: '1e39', remove: 1 }], 'label'], [[{ at: 16, insert: '12', remove: 0 }], undefined]] },
    );
  }, 120_000);
});
